package org.polyvisor.feature.spe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmException;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.GuestRun;
import org.polyvisor.testkit.GuestRunner;

/**
 * guests/arm64/spe.c under the full hypervisor with feature-spe's registers: the guest programs SPE at EL1 with its
 * own buffer, runs a workload, takes PMBIRQ through the GIC and checks its records itself (the checks and where their
 * expected values come from are listed at the top of spe.c). The guest's MDCR_EL2 is KVM's (TPMS set, E2PB = 0b00),
 * so every PMS and PMB access traps and the SYS64 handler runs the feature's descriptors, and the records reach the
 * guest's buffer through the hypervisor-owned copy buffer.
 */
class SpeGuestTest {
    private static GuestRunner runner(Arm64Architecture arch) {
        return GuestRunner.on(arch).handler(new PsciHandler(), "HVC64", "SMC64")
                .handler(new SysRegTrapHandler(), "SYS64").handler(new WfxHandler(), "WFx");
    }

    private static GuestRun run(GuestRunner runner) {
        return runner.run(GuestFiles.elf("arm64", "spe"), Duration.ofSeconds(60));
    }

    private static Arm64Architecture withSpe() {
        return new Arm64Architecture(null, List.of(new SpeRegisterTable()));
    }

    @Test
    void theGuestChecksItsOwnRecords() {
        GuestRun r = run(runner(withSpe()).option("spe", "on"));
        assertTrue(r.console().contains("spe passed"), "guest output:\n" + r.console());
        assertFalse(r.console().contains("FAIL"), r.console());
        assertTrue(r.exits().getOrDefault("SYS64", 0L) >= 8,
                "PMS/PMB accesses trapped to the hypervisor (TPMS, E2PB = 0b00): " + r.exits());
    }

    @Test
    void aVmWithoutSpeSeesPmsVerZeroAndGetsUndefThroughTheTrap() {
        GuestRun r = run(runner(withSpe()));
        assertTrue(r.console().contains("unexpected vector 4"),
                "the first PMSIDR_EL1 read traps (TPMS) and the hypervisor injects UNDEF:\n" + r.console());
        assertEquals(1L, r.exits().get("SYS64"), "exactly one trapped access before the guest stops: " + r.exits());
    }

    @Test
    void withoutTheFeatureTheRegistersAreUndefined() {
        GuestRun r = run(runner(new Arm64Architecture()));
        assertTrue(r.console().contains("unexpected vector 4"),
                "the first PMSIDR_EL1 read takes an UNDEFINED exception at EL1:\n" + r.console());
    }

    @Test
    void speIsRefusedOnNvheWithAClearError() {
        VmException e = assertThrows(VmException.class,
                () -> run(runner(withSpe()).option("spe", "on").option("host", "nvhe")));
        assertTrue(e.getMessage().contains("spe=on needs host=vhe"), e.getMessage());
    }
}
