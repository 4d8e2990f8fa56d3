package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.arm64.internal.hyp.HostEvents.Kind;
import org.polyvisor.arm64.internal.hyp.HostEvents.Point;

/**
 * The four designs argued in "KVM: arm64: stop propagating DAIF flags between kernel and VHE's world switch" (James
 * Morse, Christoffer Dall, 2017), selected with vhe.daif, each with what it does to the host: the DAIF the host
 * continues with after the run and after kvm_arch_vcpu_ioctl_run's local_irq_enable(), and where a host breakpoint
 * on the code after the run and an SError, IRQ and FIQ raised during the switch are taken.
 */
class VheDaifDesignTest {
    /** Expected outcome; a null point means "never taken" (for the breakpoint: lost). */
    record Outcome(int daifAfterRun, int daifAfterIrqEnable, Point breakpoint, Point serror, Point irq, Point fiq) {
    }

    static Stream<Arguments> designs() {
        return Stream.of(
                // local_daif_mask(); run; local_daif_restore(DAIF_PROCCTX_NOIRQ): D and A open right after the run
                Arguments.of("upstream", new Outcome(0x0C0, 0x000, Point.AFTER_RUN, Point.AFTER_RUN, Point.IRQ_ENABLE,
                        Point.IRQ_ENABLE)),
                // pre-patch: the exit exception's D, A (and F) stay masked; the breakpoint is lost, the SError waits
                // for the return to user space
                Arguments.of("leak", new Outcome(0x3C0, 0x300, null, Point.RETURN_TO_USER, Point.IRQ_ENABLE,
                        Point.IRQ_ENABLE)),
                // save, mask, restore: the host gets back exactly what it had (here DAIF_PROCCTX_NOIRQ)
                Arguments.of("saverestore", new Outcome(0x0C0, 0x000, Point.AFTER_RUN, Point.AFTER_RUN,
                        Point.IRQ_ENABLE, Point.IRQ_ENABLE)),
                // daifset #0xf; run; daifclr #0xd: I stays masked but F opens, so a host FIQ comes in with IRQs off
                Arguments.of("clear-d-a-f", new Outcome(0x080, 0x000, Point.AFTER_RUN, Point.AFTER_RUN,
                        Point.IRQ_ENABLE, Point.AFTER_RUN)));
    }

    @ParameterizedTest(name = "vhe.daif={0}")
    @MethodSource("designs")
    void hostSeesTheDesignsDaif(String design, Outcome want) {
        try (DaifRig rig = new DaifRig("vhe", design,
                new RaiseInSwitch(RaiseInSwitch.Hook.RESTORE_HOST, Kind.SERROR, Kind.IRQ, Kind.FIQ))) {
            rig.events.armBreakpoint(Point.AFTER_RUN);
            rig.runOnce();
            int afterRun = rig.hw.daif;
            rig.events.irqEnable();
            int afterIrqEnable = rig.hw.daif;
            rig.events.returnToUser();
            String seen = design + ": " + rig.events.history();
            assertAll(
                    () -> assertEquals(hex(want.daifAfterRun()), hex(afterRun), "DAIF after the run, " + seen),
                    () -> assertEquals(hex(want.daifAfterIrqEnable()), hex(afterIrqEnable),
                            "DAIF after local_irq_enable(), " + seen),
                    () -> assertEquals(want.breakpoint(), rig.events.lastTakenAt(Kind.BREAKPOINT),
                            "breakpoint, " + seen),
                    () -> assertEquals(want.breakpoint() == null ? 1 : 0, rig.events.lost(Kind.BREAKPOINT),
                            "breakpoints lost, " + seen),
                    () -> assertEquals(want.serror(), rig.events.lastTakenAt(Kind.SERROR), "SError, " + seen),
                    () -> assertEquals(want.irq(), rig.events.lastTakenAt(Kind.IRQ), "IRQ, " + seen),
                    () -> assertEquals(want.fiq(), rig.events.lastTakenAt(Kind.FIQ), "FIQ, " + seen));
        }
    }

    /**
     * Where saverestore and upstream differ: a caller that reaches the run with debug and SError masked gets them
     * back masked from saverestore (the kernel's flags keep propagating through the call), while upstream always
     * hands back the process-context state and the host's breakpoint fires.
     */
    @Test
    void saveRestoreHandsBackTheCallersMaskWhereUpstreamResetsIt() {
        try (DaifRig saveRestore = new DaifRig("vhe", "saverestore");
             DaifRig upstream = new DaifRig("vhe", "upstream")) {
            saveRestore.hw.daif = 0x3C0;
            saveRestore.events.armBreakpoint(Point.AFTER_RUN);
            saveRestore.runOnce();
            assertEquals(hex(0x3C0), hex(saveRestore.hw.daif));
            assertEquals(1, saveRestore.events.lost(Kind.BREAKPOINT), saveRestore.events.history().toString());

            upstream.hw.daif = 0x3C0;
            upstream.events.armBreakpoint(Point.AFTER_RUN);
            upstream.runOnce();
            assertEquals(hex(0x0C0), hex(upstream.hw.daif));
            assertEquals(Point.AFTER_RUN, upstream.events.lastTakenAt(Kind.BREAKPOINT));
        }
    }

    private static String hex(int daif) {
        return "0x" + Integer.toHexString(daif);
    }
}
