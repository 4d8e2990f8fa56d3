package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.ppc.internal.hyp.InstLoad;
import org.polyvisor.ppc.internal.hyp.LoadFailurePolicy;
import org.polyvisor.standalone.StandaloneHypervisor;

/**
 * QEMU's answer to KVM_EXIT_UNKNOWN, end to end through the framework: the xonly guest's execute-only stub makes the
 * lwepx load fail; by default the VM stops in INTERNAL_ERROR with the hardware reason and the failing instruction,
 * its state kept (registers, snapshot), and resuming it delivers the queued program interrupt.
 */
class InstLoadFailStopTest {
    private static final String FAIL_OUTPUT = "xonly mas1=70000000 programs=1 esr=08000000\nxonly done\n";

    @TempDir
    Path dir;
    private final StandaloneHypervisor hv = GuestRun.hypervisor();
    private final VmManager mgr = hv.vms();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @AfterEach
    void close() {
        hv.close();
    }

    private int started(Map<String, String> options) {
        VmConfig cfg = VmConfig.of("ppc-booke", GuestRun.RAM, 1, GuestRun.elf("xonly")).withOption("lastinst", "lwepx");
        for (var e : options.entrySet()) {
            cfg = cfg.withOption(e.getKey(), e.getValue());
        }
        int id = mgr.create(cfg);
        mgr.attachConsole(id, console::write);
        mgr.start(id);
        return id;
    }

    private String console() {
        return console.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aFailedLoadStopsTheVmInInternalErrorAndResumeDeliversTheProgramInterrupt() throws Exception {
        int id = started(Map.of("lastinst.fail", "fail"));
        VmInfo stopped = mgr.awaitTermination(id, 20_000);
        assertEquals(VmState.INTERNAL_ERROR, stopped.state(), stopped + "\nconsole: " + console());
        assertEquals("vCPU 0: unknown exit, hardware reason 0xffffffffffffffff (INST_LOAD_FAIL after HV_PRIV: lwepx"
                + " storage fault) at PC 0x70000000, instruction not readable (0xffffffff); a program interrupt is"
                + " queued for the guest (delivered on resume)", stopped.error());
        assertEquals(1L, mgr.exitCounts(id).get("INST_LOAD_FAIL"));
        assertEquals(1L, hv.resolvedExitCounts(id).get(InstLoad.LWEPX_FAULT.counter()), "pv:exits counts the reason");
        assertEquals(0x7000_0000L, mgr.registers(id).get(0).get("pc"), "pv:regs: the vCPU at the stub");
        Path snap = dir.resolve("error.pvsnap");
        hv.save(id, snap);
        assertTrue(Files.size(snap) > 0);
        assertEquals("", console(), "the guest printed nothing before the stub");

        mgr.resume(id);
        VmInfo done = mgr.awaitTermination(id, 20_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
        assertEquals(0, done.exitStatus());
        assertEquals(FAIL_OUTPUT, console());
    }

    @Test
    void theSnapshotTakenInTheErrorStateCarriesTheQueuedInterrupt() throws Exception {
        int id = started(Map.of("lastinst.fail", "fail"));
        assertEquals(VmState.INTERNAL_ERROR, mgr.awaitTermination(id, 20_000).state());
        Path snap = dir.resolve("error.pvsnap");
        hv.save(id, snap);
        mgr.stop(id);
        int restored = hv.restore(snap);
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        mgr.attachConsole(restored, after::write);
        mgr.resume(restored);
        VmInfo done = mgr.awaitTermination(restored, 20_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
        assertEquals(FAIL_OUTPUT, after.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void resumeOptionKeepsTheGuestRunning() throws Exception {
        int id = started(Map.of("lastinst.fail", "fail", "inst-load-fail", "resume"));
        VmInfo done = mgr.awaitTermination(id, 20_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
        assertEquals(FAIL_OUTPUT, console());
        assertEquals(1L, mgr.exitCounts(id).get("INST_LOAD_FAIL"));
    }

    /** Upstream's EMULATE_AGAIN forever: bounded, the VM stops with its state kept, and again after each resume. */
    @Test
    void aLoadThatNeverSucceedsStopsTheVmAfterTheRetriesEvenWithResume() throws Exception {
        int id = started(Map.of("inst-load-fail", "resume"));
        VmInfo stopped = mgr.awaitTermination(id, 20_000);
        assertEquals(VmState.INTERNAL_ERROR, stopped.state(), stopped.toString());
        assertTrue(stopped.error().endsWith("the load still failed after " + LoadFailurePolicy.MAX_RETRIES
                + " EMULATE_AGAIN retries (lastinst.fail=again)"), stopped.error());
        assertEquals((long) LoadFailurePolicy.MAX_RETRIES, hv.resolvedExitCounts(id).get("EMULATE_AGAIN"));
        assertEquals(0x7000_0000L, mgr.registers(id).get(0).get("pc"));
        mgr.resume(id);
        VmInfo again = mgr.awaitTermination(id, 20_000);
        assertEquals(VmState.INTERNAL_ERROR, again.state(), again.toString());
        assertEquals(2L * LoadFailurePolicy.MAX_RETRIES, hv.resolvedExitCounts(id).get("EMULATE_AGAIN"));
        assertEquals("", console());
        mgr.stop(id);
    }

    @Test
    void invalidValuesNameTheOptionAndTheAllowedValues() {
        VmConfig cfg = VmConfig.of("ppc-booke", GuestRun.RAM, 1, GuestRun.elf("xonly"));
        VmException e = assertThrows(VmException.class, () -> mgr.create(cfg.withOption("lastinst.fail", "retry")));
        assertTrue(e.getMessage().contains("option lastinst.fail=retry is not one of again, fail"), e.getMessage());
        e = assertThrows(VmException.class, () -> mgr.create(cfg.withOption("inst-load-fail", "halt")));
        assertTrue(e.getMessage().contains("option inst-load-fail=halt is not one of stop, resume"), e.getMessage());
    }
}
