package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Stage-2 translation (IPA to PA) for one VM, supplied by the hypervisor layer. The CPU model calls it on a TLB miss
 * only, never per instruction, and caches the result until {@link #generation()} changes.
 */
@ConsumerType
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

    /**
     * What a {@link #FAULT} on a non-device IPA becomes: false (default) injects a synchronous external abort into the
     * guest, as for an address that is nothing; true makes it a stage-2 abort exit to the hypervisor layer
     * ({@code DABT_LOW} / {@code IABT_LOW} with HPFAR_EL2), whose handler may map the IPA, bump
     * {@link #generation()} and resume: the faulting instruction then runs again.
     *
     * @param ipa the intermediate physical address that faulted
     * @return true to exit to the hypervisor layer, false to inject an external abort
     */
    default boolean exitOnFault(long ipa) {
        return false;
    }

    /**
     * Changes whenever earlier translations become stale (the CPU then flushes its TLB).
     *
     * @return the current generation; the default, for a fixed mapping, is always 0
     */
    default long generation() {
        return 0;
    }
}
