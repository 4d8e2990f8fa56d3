package org.polyvisor.ppc.internal.cpu;

/**
 * The 400 MHz time base of QEMU's ppce500, derived from the host clock so that it advances while a vCPU waits.
 * The offset keeps it continuous across a state import.
 */
public final class TimeBase {
    public static final long HZ = 400_000_000L;
    private long offset;

    public TimeBase() {
        offset = -ticksOf(System.nanoTime());
    }

    private static long ticksOf(long nanos) {
        return nanos / 5 * 2;
    }

    public long now() {
        return ticksOf(System.nanoTime()) + offset;
    }

    public void set(long value) {
        offset = value - ticksOf(System.nanoTime());
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
