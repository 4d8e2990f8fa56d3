package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.testing.HypVm;

/**
 * Every participant hook runs with PSTATE.DAIF fully masked, on both host models, whatever the host's DAIF was when
 * it called the switch (nVHE: the HVC masks it; VHE: the switch's local_daif_mask(), "KVM: arm64: stop propagating
 * DAIF flags between kernel and VHE's world switch", 2017). Without that mask the probe sees the host's flags.
 */
class DaifProbeTest {
    private static final int RUNS = 64;

    @ParameterizedTest(name = "host={0}")
    @ValueSource(strings = {"vhe", "nvhe"})
    void everyHookSeesDaifMaskedWhateverTheHostHad(String host) {
        DaifProbeParticipant probe = new DaifProbeParticipant();
        try (DaifRig rig = new DaifRig(host, null, probe)) {
            for (int i = 0; i < RUNS; i++) {
                rig.hw.daif = (i & 0xF) << 6; // every combination of the host's D, A, I, F
                rig.runOnce();
            }
            // one switch per run, plus one per stage-2 fault resolved inside run() (the code page's first fetch)
            long switches = RUNS + rig.stage2Faults();
            for (int h = 0; h < DaifProbeParticipant.HOOKS.length; h++) {
                assertEquals(switches, probe.calls.get(h), DaifProbeParticipant.HOOKS[h] + " on " + host + ": "
                        + probe.report());
            }
            assertEquals(0, probe.violations.get(), host + ": " + probe.report());
        }
    }

    @ParameterizedTest(name = "host={0}")
    @ValueSource(strings = {"vhe", "nvhe"})
    void guestsRunWithTheProbeAndStillMatchQemu(String host) throws Exception {
        DaifProbeParticipant probe = new DaifProbeParticipant();
        Arm64Architecture arch = new Arm64Architecture();
        arch.addParticipant(probe);
        Path dir = HypVm.guestDir();
        String expected = Files.readString(dir.resolve("psci.expected"), StandardCharsets.ISO_8859_1);
        HypVm.Result r = HypVm.run(arch, dir.resolve("psci.elf"), host, 2, 30_000);
        assertEquals(expected, r.console(), "psci on " + host + ": " + r.info());
        assertEquals(VmState.STOPPED, r.info().state(), r.info().error());
        assertTrue(probe.calls.get(0) > 0, "the probe was never called: " + probe.report());
        assertEquals(0, probe.violations.get(), host + ": " + probe.report());
    }

    /** The pre-patch VHE sequence runs the entry hooks with the host's DAIF (IRQs off only): the probe says so. */
    @Test
    void probeCatchesTheHostFlagsLeakingIntoTheSwitch() {
        DaifProbeParticipant probe = new DaifProbeParticipant();
        try (DaifRig rig = new DaifRig("vhe", "leak", probe)) {
            for (int i = 0; i < RUNS; i++) {
                rig.events.enterRun(); // one KVM_RUN per exit, as a VMM handling every exit in user space does
                rig.runOnce();
                rig.events.irqEnable();
                rig.events.returnToUser();
            }
            // saveHost and loadGuest see the host's DAIF_PROCCTX_NOIRQ; the exit exception masks DAIF for the others
            assertEquals(2L * RUNS, probe.violations.get(), probe.report());
            assertTrue(probe.report().contains("first at saveHost with DAIF 0xc0"), probe.report());
        }
    }
}
