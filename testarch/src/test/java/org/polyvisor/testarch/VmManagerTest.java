package org.polyvisor.testarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;

/** The framework's run loop, exits, handlers and error handling, driven by the toy architecture. */
class VmManagerTest {
    @TempDir
    Path dir;
    private final VmManagerImpl mgr = VmManagerImpl.create();

    @AfterEach
    void close() {
        mgr.close();
    }

    private VmManagerImpl withToy() {
        mgr.addArchitecture(new ToyArchitecture());
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        return mgr;
    }

    static String run(VmManagerImpl m, int id) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.attachConsole(id, out::write);
        m.start(id);
        VmInfo info = m.awaitTermination(id, 20_000);
        assertEquals(VmState.STOPPED, info.state(), () -> "VM did not stop cleanly: " + info);
        return out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void runsAGuestToPowerOffAndStreamsItsConsole() throws Exception {
        Path elf = ToyProgram.builder().print("hello, polyvisor\n").halt(0).writeTo(dir.resolve("hello.elf"));
        int id = withToy().create(VmConfig.of("test", 1 << 20, 1, elf));
        assertEquals(VmState.CREATED, mgr.info(id).state());
        assertEquals("hello, polyvisor\n", run(mgr, id));
        VmInfo info = mgr.info(id);
        assertEquals(0, info.exitStatus());
        assertEquals(17L, mgr.exitCounts(id).get("MMIO"));
        assertEquals("hello, polyvisor\n", new String(mgr.consoleTail(id), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void mmioReadsAndHandlersChangeGuestStateAndPowerOffWithStatus() throws Exception {
        // r1 = 5 -> hcall 1 makes it 11 -> IN reads bytes-written (1 after one OUT) into r2 -> r1 += r2 -> 12
        Path elf = ToyProgram.builder().li(1, 5).hcall(1).print("x").in(2).op(ToyIsa.ADD, 1, 2, 0).hcall(0xDEAD)
                .writeTo(dir.resolve("h.elf"));
        int id = withToy().create(VmConfig.of("test", 1 << 20, 1, elf));
        mgr.start(id);
        VmInfo info = mgr.awaitTermination(id, 10_000);
        assertEquals(VmState.STOPPED, info.state());
        assertEquals(12, info.exitStatus());
        Map<String, Long> exits = mgr.exitCounts(id);
        assertEquals(2L, exits.get("HCALL"));
        assertEquals(2L, exits.get("MMIO"));
    }

    @Test
    void anExitNobodyHandlesFailsTheVmWithItsClassNamed() throws Exception {
        Path elf = ToyProgram.builder().op(ToyIsa.MYSTERY, 0, 0, 7).halt(0).writeTo(dir.resolve("m.elf"));
        int id = withToy().create(VmConfig.of("test", 1 << 20, 1, elf));
        mgr.start(id);
        VmInfo info = mgr.awaitTermination(id, 10_000);
        assertEquals(VmState.FAILED, info.state());
        assertTrue(info.error().contains("no exit handler for test exit class MYSTERY"), info.error());
    }

    @Test
    void aGuestFaultFailsOnlyItsOwnVm() throws Exception {
        Path bad = ToyProgram.builder().op(0xEE, 0, 0, 0).writeTo(dir.resolve("bad.elf"));
        Path good = ToyPrograms.checksum(dir, 200);
        withToy();
        int goodId = mgr.create(VmConfig.of("test", 1 << 20, 1, good));
        int badId = mgr.create(VmConfig.of("test", 1 << 20, 1, bad));
        mgr.start(goodId);
        mgr.start(badId);
        VmInfo badInfo = mgr.awaitTermination(badId, 10_000);
        assertEquals(VmState.FAILED, badInfo.state());
        assertTrue(badInfo.error().contains("undefined toy instruction") && badInfo.error().contains("pc 0x1000"),
                badInfo.error());
        VmInfo goodInfo = mgr.awaitTermination(goodId, 20_000);
        assertEquals(VmState.STOPPED, goodInfo.state());
        assertEquals(0, goodInfo.exitStatus());
    }

    @Test
    void impossibleConfigurationsAreRefusedWithClearMessages() throws Exception {
        Path elf = ToyProgram.builder().halt(0).writeTo(dir.resolve("x.elf"));
        VmException noArch = assertThrows(VmException.class, () -> mgr.create(VmConfig.of("sparc", 1 << 20, 1, elf)));
        assertTrue(noArch.getMessage().contains("no architecture 'sparc'"), noArch.getMessage());
        withToy();
        VmException option = assertThrows(VmException.class,
                () -> mgr.create(VmConfig.of("test", 1 << 20, 1, elf).withOption("host", "vhe")));
        assertTrue(option.getMessage().contains("no option 'host'"), option.getMessage());
        VmException cpus = assertThrows(VmException.class, () -> mgr.create(VmConfig.of("test", 1 << 20, 64, elf)));
        assertTrue(cpus.getMessage().contains("at most 8 vCPUs"), cpus.getMessage());
        Path garbage = Files.write(dir.resolve("garbage.elf"), new byte[] {1, 2, 3});
        VmException elfError = assertThrows(VmException.class,
                () -> mgr.create(VmConfig.of("test", 1 << 20, 1, garbage)));
        assertTrue(elfError.getMessage().contains("garbage.elf") && elfError.getMessage().contains("not an ELF"),
                elfError.getMessage());
        assertThrows(VmException.class, () -> VmConfig.of("test", 1000, 1, elf));
        assertEquals(0, mgr.list().size(), "refused VMs leave nothing behind");
    }

    @Test
    void pauseReachesARunningVcpuQuicklyAndResumeContinues() throws Exception {
        Path elf = ToyPrograms.checksum(dir, 20_000);
        int id = withToy().create(VmConfig.of("test", 1 << 20, 2, elf));
        mgr.start(id);
        VmProgress.untilExitsPass(mgr, id, 100); // both vCPUs in their loops
        long t0 = System.nanoTime();
        mgr.pause(id);
        long pauseMicros = (System.nanoTime() - t0) / 1000;
        assertEquals(VmState.PAUSED, mgr.info(id).state());
        assertTrue(pauseMicros < 1_000_000, "pause took " + pauseMicros + " us");
        long pc = mgr.registers(id).get(0).get("pc");
        long exits = VmProgress.exits(mgr, id);
        VmProgress.untilVcpusBlocked(id, 2); // a blocked thread runs no guest code
        assertEquals(pc, mgr.registers(id).get(0).get("pc"), "a paused vCPU does not run");
        assertEquals(exits, VmProgress.exits(mgr, id), "a paused VM makes no exits");
        mgr.resume(id);
        assertEquals(VmState.RUNNING, mgr.info(id).state());
        mgr.stop(id);
        assertEquals(VmState.STOPPED, mgr.info(id).state());
    }

    @Test
    void aSleepingVcpuIsPausedToo() throws Exception {
        Path elf = ToyProgram.builder().label("l").op(ToyIsa.WFI, 0, 0, 0).li(1, 1).bnz(1, "l")
                .writeTo(dir.resolve("wfi.elf"));
        int id = withToy().create(VmConfig.of("test", 1 << 20, 1, elf));
        mgr.start(id);
        VmProgress.untilVcpusBlocked(id, 1); // asleep in WFI
        mgr.pause(id);
        assertEquals(VmState.PAUSED, mgr.info(id).state());
        mgr.destroy(id);
        assertEquals(0, mgr.list().size());
    }
}
