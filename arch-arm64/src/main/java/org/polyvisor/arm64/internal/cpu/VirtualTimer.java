package org.polyvisor.arm64.internal.cpu;

/**
 * The EL1 virtual timer of one vCPU as an interrupt source: its output is asserted while CNTV_CTL_EL0.ENABLE = 1,
 * IMASK = 0 and CNTVCT (= CNTPCT - CNTVOFF, 62.5 MHz from the host's nanoTime) has reached CNTV_CVAL_EL0; the GIC
 * sees it as the level-sensitive PPI {@value #PPI}. Registers are read from the CPU model, so this must be called
 * while the guest's values are on it (inside the world switch) or with the guest's CNTVOFF given explicitly.
 */
public final class VirtualTimer {
    public static final int PPI = 27;
    /** Nanoseconds per counter tick at 62.5 MHz. */
    public static final long NANOS_PER_TICK = 16;

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

    /** Host nanoTime at which the output will rise, Long.MAX_VALUE if never (disabled or masked), now if high. */
    public long deadlineNanos(long cntvoff) {
        long ctl = cpu.sys[iCtl];
        if ((ctl & 3) != 1) {
            return Long.MAX_VALUE;
        }
        long ticks = cpu.sys[iCval] - (cpu.physicalCount() - cntvoff);
        if (ticks <= 0) {
            return System.nanoTime();
        }
        return System.nanoTime() + Math.min(ticks, 1L << 40) * NANOS_PER_TICK;
    }
}
