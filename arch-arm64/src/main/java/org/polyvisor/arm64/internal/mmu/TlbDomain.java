package org.polyvisor.arm64.internal.mmu;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The inner-shareable domain of the host machine: every PE's TLB that a broadcast TLB maintenance instruction (TLBI
 * IPAS2E1IS, VMALLS12E1IS, VMALLE1IS) reaches. A PE other than the issuer applies the invalidation before it next
 * enters a guest and is nudged to leave the guest at its next block boundary, so that it runs no further block with
 * the stale entries (the issuer's DSB ISH). Invalidating more than asked is architecturally allowed: the model drops
 * all of a VMID's entries for an IPA invalidation too, as KVM follows IPAS2E1IS with VMALLE1IS anyway
 * (__kvm_tlb_flush_vmid_ipa: stage 1 of the VMID may cache the IPA under any VA). The members are TLBs, not vCPUs:
 * with a fixed set of shared physical CPUs they are those CPUs' TLBs, whichever vCPU is loaded on them.
 */
public final class TlbDomain {
    private final CopyOnWriteArrayList<TlbSets> pes = new CopyOnWriteArrayList<>();

    void join(DataAccess pe) {
        join(pe.ownTlb());
    }

    /** A physical CPU's TLB joins the domain. */
    public void join(TlbSets tlb) {
        pes.addIfAbsent(tlb);
    }

    /** A PE leaves the domain (its vCPU and machine went away, or the vCPU uses shared physical CPUs' TLBs). */
    public void leave(DataAccess pe) {
        pes.remove(pe.ownTlb());
    }

    /** A physical CPU's TLB leaves the domain. */
    public void leave(TlbSets tlb) {
        pes.remove(tlb);
    }

    /**
     * {@link #invalidateVmid} followed by the issuer's DSB ISH: returns once no PE can run guest code with the old
     * entries any more (each target applied the invalidation or is outside its guest, from where it applies it before
     * it enters again).
     *
     * @param timeoutNanos how long to wait for a PE that does not leave its guest
     * @return false if some PE was still in its guest with the invalidation pending when the time ran out
     */
    public boolean invalidateVmidAndWait(DataAccess issuer, int vmid, long timeoutNanos) {
        invalidateVmid(issuer, vmid);
        TlbSets own = issuer == null ? null : issuer.tlb();
        long deadline = System.nanoTime() + timeoutNanos;
        for (TlbSets pe : pes) {
            while (pe != own && !pe.synchronisedWithDomain()) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.onSpinWait();
            }
        }
        return true;
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
        TlbSets own = issuer == null ? null : issuer.tlb();
        if (own != null && !pes.contains(own)) {
            issuer.invalidateVmidLocal(vmid); // a vCPU not loaded on a shared CPU: its private TLB
        }
        for (TlbSets pe : pes) {
            if (pe == own) {
                issuer.invalidateVmidLocal(vmid);
            } else {
                pe.post(vmid);
                pe.nudge.run();
            }
        }
    }
}
