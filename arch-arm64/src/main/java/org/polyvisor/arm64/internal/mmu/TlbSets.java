package org.polyvisor.arm64.internal.mmu;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The VMID-tagged TLB of one PE: up to {@link #SETS} {@link TlbSet}s side by side, one per recently run VMID (a
 * VMID that does not fit evicts the oldest set), and the invalidations other PEs posted by VMID, applied before this
 * PE next enters a guest. Everything here runs on a guest entry with a VMID change, a TLBI or a TLB miss, never on a
 * hit. A vCPU with a PE of its own uses the one its {@link DataAccess} was built with; vCPUs that time-share a fixed
 * set of physical CPUs use the one of the physical CPU they are loaded on ({@link DataAccess#useTlb}), which is what
 * the inner-shareable domain's broadcasts reach.
 */
public final class TlbSets {
    /** VMIDs whose entries a PE keeps side by side. */
    static final int SETS = 4;

    private final TlbSet[] sets;
    private int nextVictim;
    /** VMIDs other PEs invalidated, folded to 256 bits (invalidating more than asked is allowed). */
    private final AtomicLongArray pendingVmids = new AtomicLongArray(4);
    volatile boolean pending;
    /** Whether the PE is running guest code (between a guest entry and the exit). */
    volatile boolean inGuest;
    /** Called when another PE posted an invalidation: the hypervisor makes the guest running here leave soon. */
    volatile Runnable nudge = () -> { };

    /** An empty TLB (a physical CPU's at power-on). */
    public TlbSets() {
        this(true);
    }

    /**
     * @param vmidTagged false for a PE whose TLB entries carry no VMID (the comparison the shared-CPU benchmark
     *                   makes): it holds one VM's entries and drops them whenever another VM runs
     */
    public TlbSets(boolean vmidTagged) {
        sets = new TlbSet[vmidTagged ? SETS : 1];
        sets[0] = new TlbSet(0);
        nextVictim = sets.length > 1 ? 1 : 0;
    }

    /**
     * The set for vmid as a vCPU loaded onto this PE finds it. KVM's kvm_arch_vcpu_load flushes the VMID's local TLB
     * when another vCPU of the same VM ran last on this CPU (last_vcpu_ran, "arm/arm64: KVM: Perform local TLB
     * invalidation when multiplexing vcpus on a single CPU", Linux 4.9): the guest may rely on per-PE TLB state.
     */
    TlbSet load(int vmid, Object vcpu) {
        TlbSet s = select(vmid);
        if (s.lastUser != vcpu) {
            if (s.lastUser != null) {
                s.clear();
            }
            s.lastUser = vcpu;
        }
        return s;
    }

    /** Drops every entry of every VMID (a vCPU's own TLB while it is not loaded on a shared physical CPU). */
    void clearAll() {
        for (TlbSet s : sets) {
            if (s != null) {
                s.clear();
            }
        }
    }

    /** Whether this PE runs no guest code with invalidations other PEs posted (the target's side of a DSB ISH). */
    boolean synchronisedWithDomain() {
        return !inGuest || !pending;
    }

    /** Number of VMIDs that have entries here (tests, diagnostics). */
    public int vmidsHeld() {
        int n = 0;
        for (TlbSet s : sets) {
            if (s != null && s.vmid >= 0 && !s.empty()) {
                n++;
            }
        }
        return n;
    }

    TlbSet first() {
        return sets[0];
    }

    /** The set holding vmid's entries, reusing the oldest set (emptied) when none does. */
    TlbSet select(int vmid) {
        for (TlbSet s : sets) {
            if (s != null && s.vmid == vmid) {
                return s;
            }
        }
        int v = nextVictim;
        nextVictim = (v + 1) % sets.length;
        if (sets[v] == null) {
            sets[v] = new TlbSet(vmid);
        } else {
            sets[v].vmid = vmid;
            sets[v].lastUser = null;
            sets[v].clear();
        }
        return sets[v];
    }

    /** Drops every entry of vmid on this PE. */
    void invalidate(int vmid) {
        for (TlbSet s : sets) {
            if (s != null && s.vmid == vmid) {
                s.clear();
            }
        }
    }

    /** Another PE's broadcast for vmid: applied by {@link #applyPending} before the next guest entry. */
    void post(int vmid) {
        int bit = vmid & 0xFF;
        pendingVmids.getAndAccumulate(bit >>> 6, 1L << (bit & 63), (a, b) -> a | b);
        pending = true;
    }

    void applyPending() {
        pending = false;
        long[] bits = new long[4];
        for (int i = 0; i < 4; i++) {
            bits[i] = pendingVmids.getAndSet(i, 0);
        }
        for (TlbSet s : sets) {
            if (s != null && s.vmid >= 0 && (bits[(s.vmid & 0xFF) >>> 6] & (1L << (s.vmid & 63))) != 0) {
                s.clear();
            }
        }
    }

    /** Removes write permission for a physical page from every set (the page now holds decoded code). */
    void protect(long ppn) {
        for (TlbSet s : sets) {
            if (s != null) {
                s.protect(ppn);
            }
        }
    }
}
