package org.polyvisor.framework.internal;

import org.polyvisor.spi.GuestClock;

/**
 * The framework's {@link GuestClock}: one per VM, stopped whenever the VM is not running, as QEMU's vm_stop stops
 * QEMU_CLOCK_VIRTUAL (cpu_disable_ticks) and vm_start continues it (cpu_enable_ticks). Reads take one volatile load
 * of an immutable reading and allocate nothing; only the rare stop and start create a new reading.
 */
final class VmClock implements GuestClock {
    /**
     * @param running whether guest time advances
     * @param base    while running, guest time minus {@link System#nanoTime()}; while stopped, the guest time itself
     */
    private record Reading(boolean running, long base) {
    }

    private volatile Reading reading = new Reading(false, 0);

    @Override
    public long nanos() {
        Reading r = reading;
        return r.running ? System.nanoTime() + r.base : r.base;
    }

    @Override
    public long hostNanosAt(long guestNanos) {
        Reading r = reading;
        long offset = r.running ? r.base : r.base - System.nanoTime();
        long host = guestNanos - offset;
        // A far deadline (Long.MAX_VALUE: "no deadline") must not wrap around into the past.
        return ((guestNanos ^ offset) & (guestNanos ^ host)) < 0 ? Long.MAX_VALUE : host;
    }

    /** Guest time stops at its current value (the VM paused, was held or stopped). */
    synchronized void stop() {
        Reading r = reading;
        if (r.running) {
            reading = new Reading(false, System.nanoTime() + r.base);
        }
    }

    /** Guest time continues from where it stopped. */
    synchronized void start() {
        Reading r = reading;
        if (!r.running) {
            reading = new Reading(true, r.base - System.nanoTime());
        }
    }

    /** Sets the guest time (a VM restored from a snapshot continues from the saved value); keeps running or not. */
    synchronized void set(long guestNanos) {
        reading = reading.running ? new Reading(true, guestNanos - System.nanoTime()) : new Reading(false, guestNanos);
    }

    boolean isRunning() {
        return reading.running;
    }
}
