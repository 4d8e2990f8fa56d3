package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayList;
import java.util.List;

/**
 * Host-side exceptions of a modelled physical CPU that depend on the host's PSTATE.DAIF, so that what the world switch
 * leaves in DAIF has a consequence, as on hardware. SError, IRQ and FIQ stay pending until the host clears their
 * mask bit and are taken at the first point of the host's sequence where it is clear. A hardware breakpoint the host
 * armed on its own code is different: when the host executes that code with PSTATE.D set, the Breakpoint exception is
 * not taken and not pended either (Arm ARM, "Debug exceptions": masked Breakpoint, Watchpoint and Software Step
 * exceptions at the current EL are ignored), so it is lost.
 *
 * <p>Every event taken is recorded with the {@link Point} of the sequence where it was taken. Used on the vCPU
 * thread; the world switch only calls {@link #reach(Point)}, which allocates nothing and returns at once when
 * nothing is pending.
 */
public final class HostEvents {
    /** The host's exceptions, each with the DAIF bit that masks it. */
    public enum Kind {
        /** A Breakpoint debug exception on host code (MDSCR_EL1.KDE with the host's hw_breakpoint armed). */
        BREAKPOINT(HypConstants.PSR_D_BIT),
        SERROR(HypConstants.PSR_A_BIT),
        IRQ(HypConstants.PSR_I_BIT),
        FIQ(HypConstants.PSR_F_BIT);

        final int mask;

        Kind(int mask) {
            this.mask = mask;
        }
    }

    /** Where in the host's KVM_RUN sequence (kvm_arch_vcpu_ioctl_run) an event can be taken. */
    public enum Point {
        /** Host code before the world switch, IRQs disabled (between local_irq_disable() and the run). */
        HOST,
        /** Inside the world switch: after its entry DAIF step, at the participants' hooks, before its exit step. */
        IN_SWITCH,
        /** Host code right after the world switch returned (__kvm_vcpu_run's caller). */
        AFTER_RUN,
        /** kvm_arch_vcpu_ioctl_run's local_irq_enable() after the exit. */
        IRQ_ENABLE,
        /** The return to user space at the end of the ioctl (kernel_exit: EL0 runs with DAIF clear). */
        RETURN_TO_USER
    }

    private static final Kind[] KINDS = Kind.values();
    private static final Point[] POINTS = Point.values();
    private static final int LOG_SIZE = 64;

    private final PhysicalCpu hw;
    /** Pending SError/IRQ/FIQ as DAIF bits. */
    private int pending;
    /** The point whose host code carries an armed breakpoint, or null. */
    private Point breakpointAt;
    private final long[] taken = new long[KINDS.length];
    private final long[] lost = new long[KINDS.length];
    private final Point[] lastTakenAt = new Point[KINDS.length];
    /** Ring of (kind << 8 | point) for every event taken, oldest overwritten. */
    private final int[] log = new int[LOG_SIZE];
    private long logged;

    HostEvents(PhysicalCpu hw) {
        this.hw = hw;
    }

    /**
     * An asynchronous host exception becomes pending (a host device's SError, a host interrupt), observed by host code
     * at {@code where}: taken there if its mask bit is clear, otherwise when the host first clears it.
     */
    public void raise(Kind kind, Point where) {
        if (kind == Kind.BREAKPOINT) {
            throw new IllegalArgumentException("a breakpoint is armed on host code (armBreakpoint), not raised");
        }
        pending |= kind.mask;
        reach(where);
    }

    /** The host arms a hardware breakpoint on its code at {@code at}; it fires once, the next time it runs there. */
    public void armBreakpoint(Point at) {
        breakpointAt = at;
    }

    /**
     * The host runs its code at {@code p} with the physical CPU's current DAIF: pending events whose mask bit is clear
     * are taken, and a breakpoint armed at {@code p} is taken or, with debug masked, lost.
     */
    public void reach(Point p) {
        // The world switch calls this twice per exit: only this test is meant to be inlined there (the whole method
        // is past C2's inlining size), the delivery stays out of line.
        if (pending != 0 || breakpointAt != null) {
            deliver(p);
        }
    }

    private void deliver(Point p) {
        int daif = hw.daif;
        if (breakpointAt == p) {
            breakpointAt = null;
            if ((daif & HypConstants.PSR_D_BIT) == 0) {
                take(Kind.BREAKPOINT, p);
            } else {
                lost[Kind.BREAKPOINT.ordinal()]++;
            }
        }
        int deliverable = pending & ~daif;
        if (deliverable == 0) {
            return;
        }
        for (Kind k : KINDS) {
            if ((deliverable & k.mask) != 0) {
                pending &= ~k.mask;
                take(k, p);
            }
        }
    }

    private void take(Kind k, Point p) {
        taken[k.ordinal()]++;
        lastTakenAt[k.ordinal()] = p;
        log[(int) (logged++ % LOG_SIZE)] = k.ordinal() << 8 | p.ordinal();
    }

    // ---------------------------------------------------------------- the host kernel's own DAIF steps

    /** kvm_arch_vcpu_ioctl_run's local_irq_enable(): clears I (and F, which arm64 keeps in sync with I). */
    public void irqEnable() {
        hw.daif &= ~(HypConstants.PSR_I_BIT | HypConstants.PSR_F_BIT);
        reach(Point.IRQ_ENABLE);
    }

    /** local_irq_disable() before the next run. */
    public void irqDisable() {
        hw.daif |= HypConstants.PSR_I_BIT | HypConstants.PSR_F_BIT;
    }

    /** The ioctl returns to user space: the exception return to EL0 leaves every DAIF bit clear. */
    public void returnToUser() {
        hw.daif = 0;
        reach(Point.RETURN_TO_USER);
    }

    /** The next KVM_RUN: the syscall enters the kernel in process context, which disables IRQs before the run. */
    public void enterRun() {
        hw.daif = HypConstants.DAIF_PROCCTX_NOIRQ;
        reach(Point.HOST);
    }

    // ---------------------------------------------------------------- observation

    public long taken(Kind k) {
        return taken[k.ordinal()];
    }

    /** Breakpoints not taken because the host ran the armed code with PSTATE.D set. */
    public long lost(Kind k) {
        return lost[k.ordinal()];
    }

    public boolean pending(Kind k) {
        return (pending & k.mask) != 0;
    }

    /** Where the last event of this kind was taken, or null if none was. */
    public Point lastTakenAt(Kind k) {
        return lastTakenAt[k.ordinal()];
    }

    /** The events taken, oldest first (at most the last 64), as "KIND@POINT", for assertions and messages. */
    public List<String> history() {
        List<String> out = new ArrayList<>();
        long from = Math.max(0, logged - LOG_SIZE);
        for (long i = from; i < logged; i++) {
            int e = log[(int) (i % LOG_SIZE)];
            out.add(KINDS[e >> 8] + "@" + POINTS[e & 0xFF]);
        }
        return out;
    }
}
