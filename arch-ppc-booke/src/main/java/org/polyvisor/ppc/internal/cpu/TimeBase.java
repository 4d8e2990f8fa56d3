package org.polyvisor.ppc.internal.cpu;

import java.util.function.LongSupplier;

/**
 * The time base (Power ISA 2.06 Book III-E, "Timer Facilities") of QEMU's ppce500, 400 MHz (its
 * PLATFORM_CLK_FREQ_HZ), counted from the VM's guest time as QEMU's cpu_ppc_load_tbl counts from QEMU_CLOCK_VIRTUAL
 * plus the tb_offset a guest write sets. Guest time stands still while the VM is paused, held for a swap or waiting
 * for a bundle, so the time base, the decrementer and every deadline derived from them stand still too, and a
 * snapshot round-trips exactly.
 *
 * <p>The core does not know the hypervisor or the framework: the machine passes the guest clock as a plain source of
 * nanoseconds. {@link #now()} is the guest's {@code mftb}: one source read and integer arithmetic, no allocation.
 */
public final class TimeBase {
    public static final long HZ = 400_000_000L;
    /** Nanoseconds per 2 ticks: 400 MHz is 2 ticks every 5 ns. */
    private static final long NANOS_PER_2_TICKS = 5;

    private final LongSupplier guestNanos;
    /** Time base minus the ticks of guest time: what a guest {@code mttbl}/{@code mttbu} or a snapshot sets. */
    private long offset;

    /** @param guestNanos the VM's guest time in nanoseconds (monotonic; stands still while the VM does not run) */
    public TimeBase(LongSupplier guestNanos) {
        this.guestNanos = guestNanos;
    }

    /** Ticks in {@code nanos} of guest time: floor(nanos * 2 / 5) without overflowing for large values. */
    public static long ticksOf(long nanos) {
        return nanos / NANOS_PER_2_TICKS * 2 + nanos % NANOS_PER_2_TICKS * 2 / NANOS_PER_2_TICKS;
    }

    public long now() {
        return ticksOf(guestNanos.getAsLong()) + offset;
    }

    /** Sets the time base to {@code value} now (a guest write); it keeps counting with guest time from there. */
    public void set(long value) {
        offset = value - ticksOf(guestNanos.getAsLong());
    }

    /** The time base minus the ticks of guest time; a snapshot keeps this, the framework keeps guest time itself. */
    public long offset() {
        return offset;
    }

    public void offset(long ticks) {
        offset = ticks;
    }

    /**
     * The guest time (nanoseconds) at which the time base reaches {@code ticks}: the first guest nanosecond whose
     * {@link #now()} is at least {@code ticks}; {@link Long#MAX_VALUE} when that is beyond any reachable time.
     */
    public long guestNanosAt(long ticks) {
        long delta = ticks - offset;
        if (((ticks ^ offset) & (ticks ^ delta)) < 0) { // ticks - offset overflowed
            return ticks > 0 ? Long.MAX_VALUE : 0;
        }
        if (delta <= 0) {
            return 0;
        }
        if (delta > Long.MAX_VALUE / NANOS_PER_2_TICKS) {
            return Long.MAX_VALUE;
        }
        return (delta * NANOS_PER_2_TICKS + 1) / 2; // ceil(delta * 5 / 2)
    }
}
