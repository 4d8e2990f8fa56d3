package org.polyvisor.ppc.internal.cpu;

/**
 * The 400 MHz time base of QEMU's ppce500, derived from the host clock while the vCPU is inside run() (it also
 * advances while the vCPU waits) and frozen outside it, as QEMU's virtual clock stops while a VM is paused. So a
 * snapshot taken while paused round-trips exactly and the guest sees no time jump across pause or bundle swap.
 */
public final class TimeBase {
    public static final long HZ = 400_000_000L;
    private long offset;
    private boolean frozen = true;
    private long frozenValue;

    /** Starts counting (vCPU enters run()). */
    public void resume() {
        if (frozen) {
            offset = frozenValue - ticksOf(System.nanoTime());
            frozen = false;
        }
    }

    /** Stops counting (vCPU leaves run()). */
    public void freeze() {
        if (!frozen) {
            frozenValue = now();
            frozen = true;
        }
    }

    private static long ticksOf(long nanos) {
        return nanos / 5 * 2;
    }

    public long now() {
        return frozen ? frozenValue : ticksOf(System.nanoTime()) + offset;
    }

    public void set(long value) {
        if (frozen) {
            frozenValue = value;
        } else {
            offset = value - ticksOf(System.nanoTime());
        }
    }

    /** Host nanoTime at which the time base reaches {@code ticks}. */
    public long nanoTimeAt(long ticks) {
        long delta = ticks - now();
        if (delta <= 0) {
            return System.nanoTime();
        }
        if (delta > Long.MAX_VALUE / 3) {
            return Long.MAX_VALUE;
        }
        return System.nanoTime() + delta * 5 / 2;
    }
}
