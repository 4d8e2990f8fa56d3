package org.polyvisor.testarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;
import org.polyvisor.testkit.Await;

/** Architecture and exit-handler replacement while VMs run, at the framework level (no OSGi). */
class HotSwapTest {
    @TempDir
    Path dir;
    private final VmManagerImpl mgr = VmManagerImpl.create();

    @AfterEach
    void close() {
        mgr.close();
    }

    private String reference(Path elf) throws Exception {
        try (VmManagerImpl m = VmManagerImpl.create()) {
            m.addArchitecture(new ToyArchitecture());
            m.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
            return VmManagerTest.run(m, m.create(VmConfig.of("test", 1 << 20, 1, elf)));
        }
    }

    /** Registers the architecture and the hypercall handler; returns the architecture. */
    private ToyArchitecture install(ToyArchitecture arch) {
        mgr.addArchitecture(arch);
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        return arch;
    }

    /** Creates and starts VMs of the image, each with its console captured in {@code outs}. */
    private int[] startAll(Path elf, ByteArrayOutputStream[] outs) {
        int[] ids = new int[outs.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
            outs[i] = new ByteArrayOutputStream();
            mgr.attachConsole(ids[i], outs[i]::write);
            mgr.start(ids[i]);
        }
        return ids;
    }

    private interface Step {
        void run(int round) throws Exception;
    }

    /**
     * Runs the step up to 20 times while the first VM runs, each time after the guest made progress (more exits) since
     * the step before; at least 5 must happen mid-run.
     */
    /**
     * Rounds of the checksum guest for the "under load" tests: long enough (about a second of guest work per VM) that
     * the five steps these tests require fit while the guests run even on a loaded two-core machine, where one swap
     * or rebuild of three VMs can take tens of milliseconds; 3,000 rounds (about 0.1 s) made the rebuild test fail
     * with "only 4 rebuilds happened".
     */
    private static final int LONG_RUN = 30_000;

    private void whileRunning(int[] ids, String what, Step step) throws Exception {
        int rounds = 0;
        while (rounds < 20 && mgr.info(ids[0]).state() == VmState.RUNNING) {
            VmProgress.untilExitsPass(mgr, ids[0], VmProgress.exits(mgr, ids[0]));
            if (mgr.info(ids[0]).state() != VmState.RUNNING) {
                break;
            }
            step.run(rounds);
            rounds++;
        }
        assertTrue(rounds >= 5, "only " + rounds + " " + what + " happened before the guest finished");
    }

    private void assertAllFinishWith(String expected, int[] ids, ByteArrayOutputStream[] outs) throws Exception {
        for (int i = 0; i < ids.length; i++) {
            VmInfo info = mgr.awaitTermination(ids[i], 30_000);
            assertEquals(VmState.STOPPED, info.state(), info.toString());
            assertEquals(expected, outs[i].toString(StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void swappingTheArchitectureTwentyTimesUnderLoadLeavesTheOutputUnchanged() throws Exception {
        Path elf = ToyPrograms.checksum(dir, LONG_RUN);
        String expected = reference(elf);
        ToyArchitecture arch = install(new ToyArchitecture());
        ByteArrayOutputStream[] outs = new ByteArrayOutputStream[3];
        int[] ids = startAll(elf, outs);
        ToyArchitecture[] current = {arch};
        whileRunning(ids, "swaps", round -> {
            mgr.removeArchitecture(current[0]);
            for (int id : ids) {
                VmInfo info = mgr.info(id);
                if (info.state() != VmState.STOPPED) {
                    assertEquals(VmState.WAITING, info.state());
                    assertEquals("architecture test", info.waitingFor());
                }
            }
            current[0] = new ToyArchitecture();
            mgr.addArchitecture(current[0]);
        });
        assertAllFinishWith(expected, ids, outs);
    }

    /** Make-before-break: VMs move to an implementation registered next to theirs, with one pause per move. */
    @Test
    void vmsMoveToANewImplementationWithOnePauseAndRemovingTheOldOneDoesNotTouchThem() throws Exception {
        Path elf = ToyPrograms.checksum(dir, LONG_RUN);
        String expected = reference(elf);
        ToyArchitecture arch = install(new ToyArchitecture());
        ByteArrayOutputStream[] outs = new ByteArrayOutputStream[3];
        int[] ids = startAll(elf, outs);
        ToyArchitecture[] current = {arch};
        whileRunning(ids, "moves", round -> {
            ToyArchitecture next = new ToyArchitecture();
            mgr.addArchitecture(next); // registered next to the old one: nothing moves yet
            VmManagerImpl.Migration m = mgr.migrate(next);
            assertTrue(m.refused().isEmpty(), m.refused().toString());
            // a pause is recorded when the vCPU thread gets back to guest code: wait for this move's
            int moved = round + 1;
            Await.until("the pause of move " + moved + " recorded on VM " + ids[0],
                    () -> mgr.swapPauses(ids[0]).length >= moved || mgr.info(ids[0]).state() != VmState.RUNNING,
                    Duration.ofSeconds(5), () -> mgr.swapPauses(ids[0]).length + " pauses, " + mgr.info(ids[0]));
            int pausesBefore = mgr.swapPauses(ids[0]).length;
            mgr.removeArchitecture(current[0]); // nobody runs on it any more
            // a (wrongly) paused VM records the pause before it runs guest code again: wait for its next exit
            VmProgress.untilExitsPass(mgr, ids[0], VmProgress.exits(mgr, ids[0]));
            assertEquals(pausesBefore, mgr.swapPauses(ids[0]).length, "removing the old implementation paused a VM");
            current[0] = next;
        });
        assertAllFinishWith(expected, ids, outs);
    }

    /** Machine rebuild (MachineContext.requestRebuild): machines are built again under load; guests cannot tell. */
    @Test
    void rebuildingTheMachinesUnderLoadLeavesTheOutputUnchanged() throws Exception {
        Path elf = ToyPrograms.checksum(dir, LONG_RUN);
        String expected = reference(elf);
        ToyArchitecture arch = install(new ToyArchitecture());
        ByteArrayOutputStream[] outs = new ByteArrayOutputStream[3];
        int[] ids = startAll(elf, outs);
        whileRunning(ids, "rebuilds", round -> mgr.rebuild(arch, "test: a feature changed"));
        assertAllFinishWith(expected, ids, outs);
    }

    /** A rebuilt machine that refuses the state (a needed feature is missing) leaves the VM waiting until one fits. */
    @Test
    void aRebuildTheNewMachineRefusesWaitsForOneThatAcceptsTheState() throws Exception {
        Path elf = ToyPrograms.checksum(dir, 2_000);
        String expected = reference(elf);
        ToyArchitecture v2 = install(new ToyArchitecture(2));
        ByteArrayOutputStream[] outs = new ByteArrayOutputStream[1];
        int[] ids = startAll(elf, outs);
        VmProgress.untilExitsPass(mgr, ids[0], 10); // mid-run
        ToyArchitecture v1 = new ToyArchitecture(1); // reads only version 1 state
        mgr.addArchitecture(v1, 10); // ranked above: rebuilt machines come from it
        mgr.rebuild(v2, "test: feature X went away");
        VmInfo waiting = mgr.info(ids[0]);
        assertEquals(VmState.WAITING, waiting.state(), waiting.toString());
        assertTrue(waiting.error().contains("refused the saved state") && waiting.error().contains("version 2"),
                waiting.error());
        mgr.removeArchitecture(v1); // v2 is the best again: the VM gets a machine from it
        assertAllFinishWith(expected, ids, outs);
    }

    @Test
    void aRefusedMoveLeavesTheVmRunningOnItsImplementationWithTheReason() throws Exception {
        Path elf = ToyPrograms.checksum(dir, 2_000);
        String expected = reference(elf);
        install(new ToyArchitecture(2));
        ByteArrayOutputStream[] outs = new ByteArrayOutputStream[1];
        int[] ids = startAll(elf, outs);
        VmProgress.untilExitsPass(mgr, ids[0], 10); // mid-run
        ToyArchitecture v1 = new ToyArchitecture(1); // reads only version 1 state
        mgr.addArchitecture(v1);
        VmManagerImpl.Migration m = mgr.migrate(v1);
        assertEquals(0, m.moved());
        assertEquals(1, m.refused().size());
        assertTrue(m.refused().get(0).contains("version 2") && m.refused().get(0).contains("stays on the previous"),
                m.refused().get(0));
        VmInfo info = mgr.info(ids[0]);
        assertTrue(info.state() == VmState.RUNNING || info.state() == VmState.STOPPED, info.toString());
        assertTrue(info.error().contains("refused"), info.error());
        assertAllFinishWith(expected, ids, outs);
    }

    @Test
    void withoutAReplacementTheVmWaitsAndAnIncompatibleOneIsRefusedWithTheStateKept() throws Exception {
        Path elf = ToyPrograms.checksum(dir, 2_000);
        String expected = reference(elf);
        ToyArchitecture v2 = new ToyArchitecture(2);
        mgr.addArchitecture(v2);
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        int id = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mgr.attachConsole(id, out::write);
        mgr.start(id);
        VmProgress.untilExitsPass(mgr, id, 10); // mid-run
        mgr.removeArchitecture(v2);
        VmInfo waiting = mgr.info(id);
        assertEquals(VmState.WAITING, waiting.state());
        assertEquals("architecture test", waiting.waitingFor());
        mgr.addArchitecture(new ToyArchitecture(1)); // reads only v1 state
        VmInfo refused = mgr.info(id);
        assertEquals(VmState.WAITING, refused.state());
        assertTrue(refused.error().contains("refused the saved state") && refused.error().contains("version 2"),
                refused.error());
        mgr.addArchitecture(new ToyArchitecture(2), 10); // a compatible one with higher ranking
        VmInfo done = mgr.awaitTermination(id, 30_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
        assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void removingAnExitHandlerPausesTheVmUntilAReplacementRegisters() throws Exception {
        Path elf = ToyPrograms.checksum(dir, 2_000);
        String expected = reference(elf);
        mgr.addArchitecture(new ToyArchitecture());
        ExitHandler first = new HcallHandler();
        mgr.addExitHandler(first, "test", new String[] {"HCALL"}, 0);
        int id = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mgr.attachConsole(id, out::write);
        mgr.start(id);
        VmProgress.untilExitsPass(mgr, id, 10); // mid-run
        mgr.removeExitHandler(first, "test");
        VmInfo waiting = mgr.info(id);
        assertEquals(VmState.WAITING, waiting.state());
        assertEquals("exit handlers of test", waiting.waitingFor());
        // waiting means parked: the vCPU thread blocks and the guest makes no exits (none could be handled)
        long exits = VmProgress.exits(mgr, id);
        VmProgress.untilVcpusBlocked(id, 1);
        assertEquals(exits, VmProgress.exits(mgr, id), "a VM waiting for its exit handlers ran on");
        assertEquals(VmState.WAITING, mgr.info(id).state());
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        VmInfo done = mgr.awaitTermination(id, 30_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
        assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void theHighestRankedHandlerWins() throws Exception {
        Path elf = ToyProgram.builder().li(1, 3).hcall(0xDEAD).writeTo(dir.resolve("r.elf"));
        mgr.addArchitecture(new ToyArchitecture());
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        mgr.addExitHandler((ctx, exit) -> new ExitAction.PowerOff(77), "test",
                new String[] {"HCALL"}, 5);
        int id = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
        mgr.start(id);
        assertEquals(77, mgr.awaitTermination(id, 10_000).exitStatus());
    }
}
