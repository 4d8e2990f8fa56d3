package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.hyp.HostEvents.Kind;
import org.polyvisor.arm64.internal.hyp.HostEvents.Point;
import org.polyvisor.arm64.internal.hyp.HypConstants;

/**
 * The host's debug exceptions and SErrors depend on the DAIF the VHE world switch hands back ("KVM: arm64: stop
 * propagating DAIF flags between kernel and VHE's world switch", 2017; kvm_vcpu_run_vhe's local_daif_mask() and
 * local_daif_restore(DAIF_PROCCTX_NOIRQ)). With the upstream sequence a host breakpoint on the code after the run
 * fires and a host SError raised during the switch is taken as soon as the run returns; when the switch leaks the
 * exit exception's mask, the breakpoint is lost and the SError waits until the return to user space.
 */
class HostDebugExceptionTest {
    @Test
    void upstreamDeliversTheHostBreakpointAfterTheRun() {
        try (DaifRig rig = new DaifRig("vhe", null)) {
            rig.events.armBreakpoint(Point.AFTER_RUN);
            rig.runOnce();
            assertEquals(HypConstants.DAIF_PROCCTX_NOIRQ, rig.hw.daif, "DAIF after the run");
            assertEquals(1, rig.events.taken(Kind.BREAKPOINT), rig.events.history().toString());
            assertEquals(Point.AFTER_RUN, rig.events.lastTakenAt(Kind.BREAKPOINT));
            assertEquals(0, rig.events.lost(Kind.BREAKPOINT));
        }
    }

    @Test
    void leakedMaskLosesTheHostBreakpoint() {
        try (DaifRig rig = new DaifRig("vhe", "leak")) {
            rig.events.armBreakpoint(Point.AFTER_RUN);
            rig.runOnce();
            assertEquals(0x3C0, rig.hw.daif, "the exit exception's mask comes back to the host");
            assertEquals(0, rig.events.taken(Kind.BREAKPOINT), rig.events.history().toString());
            assertEquals(1, rig.events.lost(Kind.BREAKPOINT), "the breakpoint passed with PSTATE.D set");
            rig.events.irqEnable();
            rig.events.returnToUser();
            assertEquals(0, rig.events.taken(Kind.BREAKPOINT), "a masked breakpoint is ignored, not pended");
        }
    }

    @Test
    void upstreamTakesAHostSErrorRaisedDuringTheSwitchRightAfterIt() {
        try (DaifRig rig = new DaifRig("vhe", null, serrorAt(RaiseInSwitch.Hook.RESTORE_HOST))) {
            rig.runOnce();
            assertEquals(List.of("SERROR@AFTER_RUN"), rig.events.history());
        }
    }

    @Test
    void leakedMaskDelaysAHostSErrorUntilTheReturnToUserSpace() {
        try (DaifRig rig = new DaifRig("vhe", "leak", serrorAt(RaiseInSwitch.Hook.RESTORE_HOST))) {
            rig.runOnce();
            rig.events.irqEnable();
            assertTrue(rig.events.pending(Kind.SERROR), "still pending after local_irq_enable(): "
                    + rig.events.history());
            assertEquals(HypConstants.PSR_D_BIT | HypConstants.PSR_A_BIT, rig.hw.daif & 0x3C0,
                    "D and A stay masked in the host after local_irq_enable()");
            rig.events.returnToUser();
            assertEquals(List.of("SERROR@RETURN_TO_USER"), rig.events.history());
        }
    }

    /** The entry mask matters too: without it an SError is taken inside the switch, with host state half saved. */
    @Test
    void entryMaskKeepsAHostSErrorOutOfTheSwitch() {
        try (DaifRig upstream = new DaifRig("vhe", null, serrorAt(RaiseInSwitch.Hook.SAVE_HOST));
             DaifRig leak = new DaifRig("vhe", "leak", serrorAt(RaiseInSwitch.Hook.SAVE_HOST))) {
            upstream.runOnce();
            assertEquals(List.of("SERROR@AFTER_RUN"), upstream.events.history());
            leak.runOnce();
            assertEquals(List.of("SERROR@IN_SWITCH"), leak.events.history());
        }
    }

    /** nVHE needs none of this: the HVC masks DAIF and the ERET restores the host's own flags from SPSR_EL2. */
    @Test
    void nvheRestoresTheHostFlagsThroughSpsr() {
        try (DaifRig rig = new DaifRig("nvhe", null, serrorAt(RaiseInSwitch.Hook.SAVE_HOST))) {
            rig.events.armBreakpoint(Point.AFTER_RUN);
            rig.runOnce();
            assertEquals(HypConstants.DAIF_PROCCTX_NOIRQ, rig.hw.daif);
            assertEquals(List.of("BREAKPOINT@AFTER_RUN", "SERROR@AFTER_RUN"), rig.events.history());
        }
    }

    /** A host SError that becomes pending at the given hook of the next world switch. */
    private static RaiseInSwitch serrorAt(RaiseInSwitch.Hook hook) {
        return new RaiseInSwitch(hook, Kind.SERROR);
    }
}
