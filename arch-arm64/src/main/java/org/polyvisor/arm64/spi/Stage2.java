package org.polyvisor.arm64.spi;

/**
 * Stage-2 translation (IPA to PA) for one VM, supplied by the hypervisor layer. The CPU model calls it on a TLB miss
 * only, never per instruction, and caches the result until {@link #generation()} changes.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Stage2 {
    /** Result of {@link #translate} when the IPA is not mapped: the CPU raises a stage-2 abort to EL2. */
    long FAULT = -1L;

    /**
     * Translates an intermediate physical address for an access of the given kind.
     *
     * @param ipa   the intermediate physical address
     * @param write true for a store
     * @param exec  true for an instruction fetch
     * @return the physical address, or {@link #FAULT}
     */
    long translate(long ipa, boolean write, boolean exec);

    /** Changes whenever earlier translations become stale (the CPU then flushes its TLB). */
    default long generation() {
        return 0;
    }
}
