package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A sampling unit attached to one PE through its {@link SamplingHook} (a feature's model of the Statistical
 * Profiling Extension, for example). The PE counts the operations it executes and, when the distance the sampler
 * asked for has passed, reports the next operation it executes with everything a profiler records about it.
 */
@ConsumerType
public interface OperationSampler {
    /** Returned by {@link #sample}: sample nothing more until the hook is armed again. */
    long STOP = 0;

    /**
     * One sampled operation, reported after it executed (so its events and the next PC are known). Runs on the PE's
     * thread in the middle of guest execution: no blocking, no logging per call.
     *
     * @param op the operation; valid only during this call
     * @return how many operations later the next one is sampled (1 = the very next), or {@link #STOP}
     */
    long sample(SampledOperation op);
}
