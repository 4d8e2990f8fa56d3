package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The operation a PE reports to its {@link OperationSampler}: what a statistical profiler (the Statistical Profiling
 * Extension, or any other sampling unit a feature models) needs to describe one sampled instruction. The CPU model
 * reuses one instance per PE, so a sampler copies what it keeps before it returns.
 *
 * <p>The event bits use the bit positions of the ARM ARM's SPE Events packet (ARM DDI 0487, "Statistical Profiling
 * Extension", Events packet payload) so that a profiler can take them as they are; a model that does not know an event
 * leaves its bit clear.
 */
@ProviderType
public interface SampledOperation {
    /** {@link #type()}: neither a load/store nor a branch (data processing, system instructions). */
    int OTHER = 0;
    /** {@link #type()}: a load (including load-exclusive and load-pair). */
    int LOAD = 1;
    /** {@link #type()}: a store (including store-exclusive and store-pair). */
    int STORE = 2;
    /** {@link #type()}: a branch or exception return. */
    int BRANCH = 3;

    /** {@link #events()} bit: the operation generated an exception. */
    long EVENT_EXCEPTION = 1L;
    /** {@link #events()} bit: the operation retired (architecturally executed). */
    long EVENT_RETIRED = 1L << 1;
    /** {@link #events()} bit: the operation accessed the level-1 data cache (loads and stores). */
    long EVENT_L1D_ACCESS = 1L << 2;
    /** {@link #events()} bit: the operation accessed the TLB (loads and stores). */
    long EVENT_TLB_ACCESS = 1L << 4;
    /** {@link #events()} bit: the operation needed a translation table walk (the model's software TLB missed). */
    long EVENT_TLB_WALK = 1L << 5;
    /** {@link #events()} bit: a conditional branch or select was not taken. */
    long EVENT_NOT_TAKEN = 1L << 6;

    /**
     * Address of the instruction.
     *
     * @return the virtual address of the sampled instruction
     */
    long pc();

    /**
     * The instruction word.
     *
     * @return the 32-bit A64 encoding
     */
    int instruction();

    /**
     * The exception level the operation executed at.
     *
     * @return 0 or 1 (the CPU model runs guest code)
     */
    int el();

    /**
     * The operation class.
     *
     * @return {@link #OTHER}, {@link #LOAD}, {@link #STORE} or {@link #BRANCH}
     */
    int type();

    /**
     * Whether a branch or select was conditional.
     *
     * @return true for B.cond, CBZ/CBNZ, TBZ/TBNZ, CSEL and friends
     */
    boolean conditional();

    /**
     * Whether a branch was indirect (BR, BLR, RET, ERET).
     *
     * @return true for a register branch
     */
    boolean indirect();

    /**
     * Where a branch went (for a taken branch) or the next instruction.
     *
     * @return the PC after the operation (the exception vector when it raised one)
     */
    long nextPc();

    /**
     * Virtual address a load or store accessed.
     *
     * @return the first byte's virtual address; 0 when {@link #type()} is not a load or store
     */
    long dataVa();

    /**
     * Physical (intermediate physical, for a guest) address a load or store accessed.
     *
     * @return the address, or -1 when the access did not translate (it faulted)
     */
    long dataPa();

    /**
     * Events of the operation.
     *
     * @return a bit set of the {@code EVENT_} constants
     */
    long events();

    /**
     * Cycles from dispatch to completion, in the model's cost model.
     *
     * @return the total latency
     */
    int totalLatency();

    /**
     * Cycles from dispatch to issue, in the model's cost model.
     *
     * @return the issue latency
     */
    int issueLatency();

    /**
     * Cycles spent translating the data address, in the model's cost model.
     *
     * @return the translation latency; 0 for operations without a data access
     */
    int translationLatency();
}
