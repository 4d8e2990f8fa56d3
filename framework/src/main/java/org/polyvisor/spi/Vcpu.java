package org.polyvisor.spi;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A virtual CPU. {@link #run()} is only ever called from the vCPU's own platform thread; {@link #kick()} may be
 * called from any thread.
 */
@ConsumerType
public interface Vcpu {
    int index();

    /**
     * Runs guest code until an exit the architecture does not resolve by itself, and returns it. Returns
     * {@link Exit#KICKED} soon after {@link #kick()} (the run loop checks a flag at block boundaries; a vCPU blocked
     * in WFI or powered off wakes up). Never throws for anything a guest does: a guest doing something undefined
     * gets the architectural exception; a condition the model cannot continue from is an {@link Exit.Failure}.
     */
    Exit run();

    /** Asks {@link #run()} to return {@link Exit#KICKED} within a bounded time. Thread-safe, idempotent. */
    void kick();

    /** Completes the MMIO read reported by the last {@link Exit.Mmio}: the value lands in the target register. */
    void completeMmioRead(long value);

    /** Neutral, versioned state: named registers, system registers, pending events. Called while paused. */
    StateSnapshot exportState();

    /** Imports state from this or an earlier version, or throws {@link StateIncompatibleException}. */
    void importState(StateSnapshot state);

    /** Register values by architectural name (for {@code pv:regs}); called while paused. */
    Map<String, Long> registers();

    /** Guest instructions retired so far (for MIPS figures and statistics). */
    long instructionsRetired();
}
