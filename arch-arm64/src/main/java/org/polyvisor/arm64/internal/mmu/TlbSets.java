package org.polyvisor.arm64.internal.mmu;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The VMID-tagged TLB of one PE: up to {@link #SETS} {@link TlbSet}s side by side, one per recently run VMID (a
 * VMID that does not fit evicts the oldest set), and the invalidations other PEs posted by VMID, applied before this
 * PE next enters a guest. Everything here runs on a guest entry with a VMID change, a TLBI or a TLB miss, never on a
 * hit.
 */
final class TlbSets {
    /** VMIDs whose entries a PE keeps side by side. */
    static final int SETS = 4;

    private final TlbSet[] sets = new TlbSet[SETS];
    private int nextVictim = 1;
    /** VMIDs other PEs invalidated, folded to 256 bits (invalidating more than asked is allowed). */
    private final AtomicLongArray pendingVmids = new AtomicLongArray(4);
    volatile boolean pending;

    TlbSets() {
        sets[0] = new TlbSet(0);
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
        nextVictim = (v + 1) % SETS;
        if (sets[v] == null) {
            sets[v] = new TlbSet(vmid);
        } else {
            sets[v].vmid = vmid;
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
