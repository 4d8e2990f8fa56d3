package org.polyvisor.arm64.internal.cpu;

/**
 * The system counter every PE of a machine reads (ARM ARM, "The Generic Timer in AArch64 state", "The system
 * counter": one counter for the whole system, so all PEs see the same CNTPCT), as nanoseconds of system time;
 * {@link Cpu#physicalCount()} turns them into 62.5 MHz ticks. The machine implements it over its VM's guest time,
 * which stands still while the VM is paused, so the generic timer does too (QEMU's arm_gt counts
 * QEMU_CLOCK_VIRTUAL). The PE does not know the hypervisor exists.
 *
 * <p>{@link #nanos()} is read on every CNTPCT/CNTVCT access and timer look: cheap, no allocation.
 */
public interface SystemCounter {
    /** System time in nanoseconds; monotonic, and standing still while the machine does not run. */
    long nanos();

    /**
     * The host's {@link System#nanoTime()} at which {@link #nanos()} reaches {@code nanos} if the machine keeps
     * running: how long a PE waiting for its timer (WFI) may sleep. {@link Long#MAX_VALUE} when not foreseeable.
     */
    long hostNanosAt(long nanos);
}
