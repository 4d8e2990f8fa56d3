package org.polyvisor.arm64.internal.cpu;

/**
 * The EL1 virtual timer of one vCPU as an interrupt source: its output is asserted while CNTV_CTL_EL0.ENABLE = 1,
 * IMASK = 0 and CNTVCT (= CNTPCT - CNTVOFF, 62.5 MHz of the {@link SystemCounter}) has reached CNTV_CVAL_EL0; the GIC
 * sees it as the level-sensitive PPI {@value #PPI}. Registers are read from the CPU model, so this must be called
 * while the guest's values are on it (inside the world switch) or with the guest's CNTVOFF given explicitly.
 */
public final class VirtualTimer {
    public static final int PPI = 27;
    /** Nanoseconds per counter tick at 62.5 MHz. */
    public static final long NANOS_PER_TICK = 16;
    /** log2 of {@link #NANOS_PER_TICK}: system time is never negative, so a shift converts it. */
    public static final int NANOS_PER_TICK_SHIFT = 4;
    /** How far ahead a deadline is computed (about 5 hours of guest time); a later one is looked at again then. */
    private static final long MAX_TICKS_AHEAD = 1L << 40;

    private final Cpu cpu;
    private final int iCtl;
    private final int iCval;

    public VirtualTimer(Cpu cpu) {
        this.cpu = cpu;
        this.iCtl = cpu.regs.index("CNTV_CTL_EL0");
        this.iCval = cpu.regs.index("CNTV_CVAL_EL0");
    }

    /** The guest's CNTV_CTL/CVAL as last saved (for a vCPU whose guest registers are off the CPU, pass them). */
    public static boolean output(long ctl, long cval, long virtualCount) {
        return (ctl & 3) == 1 && virtualCount - cval >= 0;
    }

    /** ENABLE = 1 and IMASK = 0: only then can the output be high. */
    public boolean enabled() {
        return (cpu.sys[iCtl] & 3) == 1;
    }

    /** Output level now, with the guest's registers and CNTVOFF. */
    public boolean output(long cntvoff) {
        return output(cpu.sys[iCtl], cpu.sys[iCval], cpu.physicalCount() - cntvoff);
    }

    /**
     * The system counter's time (nanoseconds, {@link SystemCounter#nanos()}) at which the output will rise:
     * {@link Long#MAX_VALUE} if never (disabled or masked), the current time if it is high already. A vCPU waiting in
     * WFI sleeps until then (KVM's kvm_timer_blocking arms its background timer for the guest's CVAL the same way).
     */
    public long deadline(long cntvoff) {
        long ctl = cpu.sys[iCtl];
        if ((ctl & 3) != 1) {
            return Long.MAX_VALUE;
        }
        long now = cpu.counter.nanos();
        long count = now >>> NANOS_PER_TICK_SHIFT;
        long ticks = cpu.sys[iCval] - (count - cntvoff);
        if (ticks <= 0) {
            return now;
        }
        return (count + Math.min(ticks, MAX_TICKS_AHEAD)) << NANOS_PER_TICK_SHIFT;
    }
}
