package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The PE's neutral sampling hook, reached from a system-register hook through {@link SysRegState#sampling()}: one
 * {@link OperationSampler} may be attached per PE, together with what a profiling unit needs from the PE around it
 * (translating buffer addresses, writing records, its interrupt line). While nothing is armed the CPU model pays
 * nothing per instruction: it compares a retired-operation count with the armed point only where it already checks
 * for block ends.
 */
@ProviderType
public interface SamplingHook {
    /** {@link #translate} result for a stage-1 fault ({@link #faultStatus()} holds the DFSC). */
    long FAULT_STAGE1 = -1;
    /** {@link #translate} result for a stage-2 fault or an address that is not RAM. */
    long FAULT_STAGE2 = -2;

    /**
     * Attaches a sampler (replacing any other) without arming it.
     *
     * @param sampler the unit that gets the samples
     */
    void attach(OperationSampler sampler);

    /**
     * The attached sampler.
     *
     * @return the sampler, or null
     */
    OperationSampler sampler();

    /**
     * Arms (or re-arms) the countdown: the operation {@code operations} operations from now is reported to the
     * attached sampler.
     *
     * @param operations distance to the sampled operation, 1 = the next one; {@link OperationSampler#STOP} disarms
     */
    void arm(long operations);

    /**
     * Operations before the next sample.
     *
     * @return the remaining distance (1 = the next operation is sampled), or {@link OperationSampler#STOP}
     */
    long remaining();

    /**
     * Translates a virtual address through the PE's current EL1&amp;0 regime (stage 1, then stage 2), as a profiling
     * buffer owned by EL1 is translated; nothing is cached and no exception is taken.
     *
     * @param va    the virtual address
     * @param write true for a write permission check
     * @return the physical address, {@link #FAULT_STAGE1} or {@link #FAULT_STAGE2}
     */
    long translate(long va, boolean write);

    /**
     * Fault status of the last failed {@link #translate}.
     *
     * @return the DFSC (ESR_ELx.ISS[5:0] encoding)
     */
    int faultStatus();

    /**
     * Writes bytes to guest RAM at a physical address (decoded instructions over them are invalidated).
     *
     * @param pa  the physical address of the first byte
     * @param src the bytes
     * @param off offset into {@code src}
     * @param len number of bytes; the range must not cross a 4 KiB page
     * @return false when the page is not RAM
     */
    boolean writePhysical(long pa, byte[] src, int off, int len);

    /**
     * Drives one of the PE's private peripheral interrupt inputs (level-sensitive) at the interrupt controller.
     *
     * @param intid the PPI's INTID, 16 to 31
     * @param level true to assert
     */
    void setPpi(int intid, boolean level);
}
