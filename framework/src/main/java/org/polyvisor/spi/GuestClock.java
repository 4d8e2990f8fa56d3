package org.polyvisor.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One VM's guest time: virtual nanoseconds since the VM was created, which advance only while the VM runs. This is
 * QEMU's rule for QEMU_CLOCK_VIRTUAL: {@code vm_stop} stops it and {@code vm_start} lets it continue from where it
 * stopped, so a user pause ({@code pv:pause}), a hold while an architecture or exit handler is swapped, or a VM
 * waiting for a bundle is invisible to the guest's timers except as elapsed host time. Every architecture derives its
 * guest-visible counters and timer deadlines from this clock (the generic timer's counter, the Book E time base), so
 * both behave the same way across a pause. The value is part of a snapshot: a restored VM continues from the saved
 * guest time.
 *
 * <p>Implemented by the framework ({@link MachineContext#clock()}); architectures read it on every guest counter
 * read, so both methods are cheap and allocate nothing.
 */
@ProviderType
public interface GuestClock {
    /**
     * A clock that always runs, zero when this class was initialised: for contexts without a VM manager (unit-test
     * harnesses), where nothing pauses the VM.
     */
    GuestClock HOST = new GuestClock() {
        private final long origin = System.nanoTime();

        @Override
        public long nanos() {
            return System.nanoTime() - origin;
        }

        @Override
        public long hostNanosAt(long guestNanos) {
            return guestNanos + origin;
        }
    };

    /**
     * Guest virtual time; stands still while the VM is not running.
     *
     * @return nanoseconds since the VM was created, monotonic
     */
    long nanos();

    /**
     * The {@link System#nanoTime()} at which {@link #nanos()} reaches {@code guestNanos} if the VM keeps running from
     * now on: the deadline a vCPU sleeping in WFI (or waiting for a decrementer) passes to
     * {@link WakeSignal#await(long)}. A pause in between moves the real moment later; the vCPU is kicked by the pause
     * and computes its deadline again when it runs.
     *
     * @param guestNanos a guest time, as {@link #nanos()} counts it
     * @return the host {@link System#nanoTime()} deadline
     */
    long hostNanosAt(long guestNanos);
}
