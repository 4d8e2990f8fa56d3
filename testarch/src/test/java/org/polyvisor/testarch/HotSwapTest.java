package org.polyvisor.testarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;

/** Architecture and exit-handler replacement while VMs run, at the framework level (no OSGi). */
class HotSwapTest {
    @TempDir
    Path dir;
    private final VmManagerImpl mgr = new VmManagerImpl();

    @AfterEach
    void close() {
        mgr.close();
    }

    private String reference(Path elf) throws Exception {
        try (VmManagerImpl m = new VmManagerImpl()) {
            m.addArchitecture(new ToyArchitecture());
            m.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
            return VmManagerTest.run(m, m.create(VmConfig.of("test", 1 << 20, 1, elf)));
        }
    }

    @Test
    void swappingTheArchitectureTwentyTimesUnderLoadLeavesTheOutputUnchanged() throws Exception {
        Path elf = ToyPrograms.checksum(dir, 3_000);
        String expected = reference(elf);
        ToyArchitecture arch = new ToyArchitecture();
        mgr.addArchitecture(arch);
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        int[] ids = new int[3];
        ByteArrayOutputStream[] outs = new ByteArrayOutputStream[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
            outs[i] = new ByteArrayOutputStream();
            mgr.attachConsole(ids[i], outs[i]::write);
            mgr.start(ids[i]);
        }
        int swaps = 0;
        while (swaps < 20 && mgr.info(ids[0]).state() == VmState.RUNNING) {
            Thread.sleep(3);
            mgr.removeArchitecture(arch);
            for (int id : ids) {
                VmInfo info = mgr.info(id);
                if (info.state() != VmState.STOPPED) {
                    assertEquals(VmState.WAITING, info.state());
                    assertEquals("architecture test", info.waitingFor());
                }
            }
            arch = new ToyArchitecture();
            mgr.addArchitecture(arch);
            swaps++;
        }
        assertTrue(swaps >= 5, "only " + swaps + " swaps happened before the guest finished");
        for (int i = 0; i < ids.length; i++) {
            VmInfo info = mgr.awaitTermination(ids[i], 30_000);
            assertEquals(VmState.STOPPED, info.state(), info.toString());
            assertEquals(expected, outs[i].toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
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
        Thread.sleep(10);
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
        assertEquals(expected, out.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
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
        Thread.sleep(10);
        mgr.removeExitHandler(first, "test");
        VmInfo waiting = mgr.info(id);
        assertEquals(VmState.WAITING, waiting.state());
        assertEquals("exit handlers of test", waiting.waitingFor());
        Thread.sleep(10);
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        VmInfo done = mgr.awaitTermination(id, 30_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
        assertEquals(expected, out.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void theHighestRankedHandlerWins() throws Exception {
        Path elf = ToyProgram.builder().li(1, 3).hcall(0xDEAD).writeTo(dir.resolve("r.elf"));
        mgr.addArchitecture(new ToyArchitecture());
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        mgr.addExitHandler((ctx, exit) -> new org.polyvisor.spi.ExitAction.PowerOff(77), "test",
                new String[] {"HCALL"}, 5);
        int id = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
        mgr.start(id);
        assertEquals(77, mgr.awaitTermination(id, 10_000).exitStatus());
    }
}
