package org.polyvisor.arm64.internal.mmu;

import java.util.Arrays;

/**
 * The software-TLB entries of one VMID on one PE: direct-mapped by VA page, one table per access kind and per EL
 * (EL0, EL1). A PE keeps a few of these side by side ({@link DataAccess}), so VMs that time-share a physical CPU find
 * their translations again after another VM ran, as entries tagged with the VMID do on hardware (ARM ARM D8, "VMID
 * and ASID tagging"); the hit path indexes the selected set's tables exactly as before.
 */
final class TlbSet {
    /** The VMID whose entries this set holds, or -1 while unused. */
    int vmid;
    /** The vCPU that last loaded this set on a shared physical CPU (null: none yet, or a PE of its own). */
    Object lastUser;
    final TlbEntry[][] r = {new TlbEntry[DataAccess.TLB_MASK + 1], new TlbEntry[DataAccess.TLB_MASK + 1]};
    final TlbEntry[][] w = {new TlbEntry[DataAccess.TLB_MASK + 1], new TlbEntry[DataAccess.TLB_MASK + 1]};
    final TlbEntry[][] x = {new TlbEntry[DataAccess.TLB_MASK + 1], new TlbEntry[DataAccess.TLB_MASK + 1]};

    TlbSet(int vmid) {
        this.vmid = vmid;
        clear();
    }

    void clear() {
        for (int e = 0; e < 2; e++) {
            Arrays.fill(r[e], TlbEntry.NONE);
            Arrays.fill(w[e], TlbEntry.NONE);
            Arrays.fill(x[e], TlbEntry.NONE);
        }
    }

    /** Whether no entry is valid (diagnostics only: a full scan). */
    boolean empty() {
        for (int e = 0; e < 2; e++) {
            for (TlbEntry t : r[e]) {
                if (t != TlbEntry.NONE) {
                    return false;
                }
            }
            for (TlbEntry t : x[e]) {
                if (t != TlbEntry.NONE) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Removes write permission for a physical page (the page now holds decoded code). */
    void protect(long ppn) {
        for (int e = 0; e < 2; e++) {
            TlbEntry[] t = w[e];
            for (int i = 0; i < t.length; i++) {
                if ((t[i].pa >>> 12) == ppn) {
                    t[i] = TlbEntry.NONE;
                }
            }
        }
    }
}
