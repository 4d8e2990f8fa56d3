package org.polyvisor.spi;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A virtual CPU. {@link #run()} is only ever called from the vCPU's own platform thread; {@link #kick()} may be
 * called from any thread.
 */
@ConsumerType
public interface Vcpu {
    /**
     * The vCPU's position in its machine.
     *
     * @return 0 to {@code Machine.vcpuCount() - 1}
     */
    int index();

    /**
     * Runs guest code until an exit the architecture does not resolve by itself, and returns it. Returns
     * {@link Exit#KICKED} soon after {@link #kick()} (the run loop checks a flag at block boundaries; a vCPU blocked
     * in WFI or powered off wakes up). Never throws for anything a guest does: a guest doing something undefined
     * gets the architectural exception; a condition the model cannot continue from is an {@link Exit.Failure}.
     *
     * @return why it returned
     */
    Exit run();

    /** Asks {@link #run()} to return {@link Exit#KICKED} within a bounded time. Thread-safe, idempotent. */
    void kick();

    /**
     * Completes the MMIO read reported by the last {@link Exit.Mmio}: the value lands in the target register.
     *
     * @param value the device's value, zero-extended
     */
    void completeMmioRead(long value);

    /**
     * Neutral, versioned state: named registers, system registers, pending events. Called while paused.
     *
     * @return the vCPU's state
     */
    StateSnapshot exportState();

    /**
     * Imports state from this or an earlier version, or throws {@link StateIncompatibleException}.
     *
     * @param state what {@link #exportState()} of this or an earlier version returned
     */
    void importState(StateSnapshot state);

    /**
     * Register values by architectural name (for {@code pv:regs}); called while paused.
     *
     * @return value by register name
     */
    Map<String, Long> registers();

    /**
     * Guest instructions retired so far (for MIPS figures and statistics).
     *
     * @return the count since the vCPU was created
     */
    long instructionsRetired();
}
