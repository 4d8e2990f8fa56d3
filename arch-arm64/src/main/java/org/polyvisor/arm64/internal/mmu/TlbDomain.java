package org.polyvisor.arm64.internal.mmu;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The inner-shareable domain of the host machine: every PE that a broadcast TLB maintenance instruction (TLBI
 * IPAS2E1IS, VMALLS12E1IS, VMALLE1IS) reaches. A PE other than the issuer applies the invalidation before it next
 * enters a guest and is nudged to leave the guest at its next block boundary, so that it runs no further block with
 * the stale entries (the issuer's DSB ISH). Invalidating more than asked is architecturally allowed: the model drops
 * all of a VMID's entries for an IPA invalidation too, as KVM follows IPAS2E1IS with VMALLE1IS anyway
 * (__kvm_tlb_flush_vmid_ipa: stage 1 of the VMID may cache the IPA under any VA).
 */
public final class TlbDomain {
    private final CopyOnWriteArrayList<DataAccess> pes = new CopyOnWriteArrayList<>();

    void join(DataAccess pe) {
        pes.addIfAbsent(pe);
    }

    /** A PE leaves the domain (its vCPU and machine went away). */
    public void leave(DataAccess pe) {
        pes.remove(pe);
    }

    /** Number of PEs in the domain. */
    public int size() {
        return pes.size();
    }

    /**
     * Invalidates every entry of {@code vmid} on every PE: the issuer's own set at once, the others' before they next
     * run guest code.
     *
     * @param issuer the PE executing the TLBI, or null for a host thread that is on no modelled PE
     */
    public void invalidateVmid(DataAccess issuer, int vmid) {
        for (DataAccess pe : pes) {
            if (pe == issuer) {
                pe.invalidateVmidLocal(vmid);
            } else {
                pe.postInvalidateVmid(vmid);
            }
        }
    }
}
