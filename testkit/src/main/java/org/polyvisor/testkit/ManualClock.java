package org.polyvisor.testkit;

import org.polyvisor.spi.GuestClock;

/**
 * A guest clock the test moves by hand: it stands still until {@link #advance} or {@link #set}, so a test can play
 * the framework's pause (host time passes, guest time does not) and resume (guest time moves on), and tell a guest
 * counter derived from guest time from one that reads the host clock. Pass it to {@link MachineRunner}.
 *
 * <p>A deadline it has not reached lies in no foreseeable host time ({@link #hostNanosAt} is {@link Long#MAX_VALUE}):
 * a vCPU sleeping until it waits for a kick, as a vCPU of a paused VM does; after advancing the clock, kick the vCPU
 * so it looks at its timers again.
 */
public final class ManualClock implements GuestClock {
    private volatile long nanos;

    /**
     * A clock standing at {@code guestNanos}.
     *
     * @param guestNanos the initial guest time
     */
    public ManualClock(long guestNanos) {
        this.nanos = guestNanos;
    }

    @Override
    public long nanos() {
        return nanos;
    }

    @Override
    public long hostNanosAt(long guestNanos) {
        return guestNanos <= nanos ? System.nanoTime() : Long.MAX_VALUE;
    }

    /**
     * Moves guest time forward by {@code deltaNanos} (not negative: guest time is monotonic).
     *
     * @param deltaNanos nanoseconds to add, 0 or more
     * @return this clock
     */
    public synchronized ManualClock advance(long deltaNanos) {
        if (deltaNanos < 0) {
            throw new IllegalArgumentException("guest time runs forward only: advance by " + deltaNanos + " ns");
        }
        nanos += deltaNanos;
        return this;
    }

    /**
     * Sets guest time (not earlier than now: guest time is monotonic).
     *
     * @param guestNanos the new guest time
     * @return this clock
     */
    public synchronized ManualClock set(long guestNanos) {
        if (guestNanos < nanos) {
            throw new IllegalArgumentException("guest time runs forward only: " + guestNanos + " ns is before "
                    + nanos + " ns");
        }
        nanos = guestNanos;
        return this;
    }
}
