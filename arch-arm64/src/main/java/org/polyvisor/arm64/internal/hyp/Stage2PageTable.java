package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.mmu.HostMemory;
import org.polyvisor.arm64.internal.mmu.Stage2Walk;

/**
 * One VM's stage-2 translation tables in host memory, built and changed only here, as KVM's kvm_pgtable does
 * (arch/arm64/kvm/hyp/pgtable.c: kvm_pgtable_stage2_map, _unmap, _wrprotect / _relax_perms): leaves are pages, or
 * blocks where the caller's range and both addresses are aligned to the block size; tables are allocated from the
 * {@link Stage2PagePool} on demand. Callers serialise through this object (KVM's mmu_lock) and do the TLB maintenance:
 * replacing or removing a valid entry needs TLBI for the VMID before the change is relied on; filling an invalid one
 * does not.
 */
public final class Stage2PageTable {
    /** Access rights for a leaf: read, write, execute. */
    public static final int PROT_R = 1;
    public static final int PROT_W = 2;
    public static final int PROT_X = 4;
    public static final int PROT_RWX = PROT_R | PROT_W | PROT_X;

    /** Leaf attributes KVM sets: AF, inner shareable, Normal write-back memory (MemAttr 0xF, MT_S2_NORMAL). */
    private static final long LEAF_ATTRS = Stage2Walk.DESC_AF | (3L << 8) | (0xFL << 2);
    private static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;

    private final HostMemory host;
    private final Stage2PagePool pool;
    private final Stage2Geometry geo;
    private final int stride;
    private final long root;
    private long tablePages;

    public Stage2PageTable(HostMemory host, Stage2PagePool pool, Stage2Geometry geometry) {
        this.host = host;
        this.pool = pool;
        this.geo = geometry;
        this.stride = geometry.granuleShift() - 3;
        this.root = pool.allocate(geometry.rootBytes());
    }

    public Stage2Geometry geometry() {
        return geo;
    }

    /** Host physical address of the start-level tables: VTTBR_EL2.BADDR. */
    public long root() {
        return root;
    }

    private int shift(int level) {
        return geo.granuleShift() + (3 - level) * stride;
    }

    /** Whether a leaf may be a block at this level (4K: levels 1 and 2; 16K and 64K: level 2). */
    private boolean blockLevel(int level) {
        return geo.granuleShift() == 12 ? level == 1 || level == 2 : level == 2;
    }

    /** Address of the entry for ipa at level in the table at tableBase (the start level indexes all root tables). */
    private long entry(long tableBase, int level, long ipa) {
        int bits = level == geo.startLevel() ? geo.ipaBits() - shift(level) : stride;
        return tableBase + ((ipa >>> shift(level)) & ((1L << bits) - 1)) * 8;
    }

    private static long leafBits(int prot, boolean page) {
        return LEAF_ATTRS | ((prot & PROT_R) != 0 ? Stage2Walk.S2AP_R : 0) | ((prot & PROT_W) != 0 ? Stage2Walk.S2AP_W : 0)
                | ((prot & PROT_X) != 0 ? 0 : Stage2Walk.DESC_XN) | (page ? 3 : 1);
    }

    /**
     * Maps [ipa, ipa+size) to host [hpa, ...) with the given rights, using blocks where both are aligned and the range
     * covers one. Entries already valid are replaced (the caller invalidates the TLB for the VMID afterwards).
     */
    public synchronized void map(long ipa, long hpa, long size, int prot) {
        long g = 1L << geo.granuleShift();
        check(ipa, size);
        if (((hpa | size) & (g - 1)) != 0) {
            throw new IllegalArgumentException("stage-2 map of 0x" + Long.toHexString(size) + " bytes at host 0x"
                    + Long.toHexString(hpa) + " is not aligned to the " + g / 1024 + " KiB granule");
        }
        long done = 0;
        while (done < size) {
            long a = ipa + done;
            long p = hpa + done;
            int level = Math.max(geo.startLevel(), 1);
            while (level < 3 && !(blockLevel(level) && (((a | p) & ((1L << shift(level)) - 1)) == 0)
                    && size - done >= 1L << shift(level))) {
                level++;
            }
            install(a, level, (p & OA_MASK) | leafBits(prot, level == 3));
            done += 1L << shift(level);
        }
    }

    /** Removes the mappings of [ipa, ipa+size), which must cover whole leaves (the caller then invalidates). */
    public synchronized void unmap(long ipa, long size) {
        check(ipa, size);
        forEachLeaf(ipa, size, (slot, desc) -> host.writeDescriptor(slot, 0));
    }

    /** Sets the rights of the valid leaves in [ipa, ipa+size) (kvm_pgtable_stage2_wrprotect and relax_perms). */
    public synchronized void protect(long ipa, long size, int prot) {
        check(ipa, size);
        forEachLeaf(ipa, size, (slot, desc) -> host.writeDescriptor(slot,
                (desc & OA_MASK) | leafBits(prot, (desc & Stage2Walk.DESC_TABLE) != 0)));
    }

    /** The leaf descriptor mapping ipa, or 0 (diagnostics and tests; the CPU walks the tables itself). */
    public synchronized long leaf(long ipa) {
        long table = root;
        for (int level = geo.startLevel(); level <= 3; level++) {
            long d = host.readDescriptor(entry(table, level, ipa));
            if ((d & 1) == 0 || level == 3 || (d & 2) == 0) {
                return (d & 1) == 0 ? 0 : d;
            }
            table = d & OA_MASK;
        }
        return 0;
    }

    /** Pages of tables below the start level (the start level is {@link Stage2Geometry#rootTables}). */
    public synchronized long tablePages() {
        return tablePages;
    }

    /** Frees every table page (the VM is gone; no PE may walk these tables any more). */
    public synchronized void destroy() {
        free(root, geo.startLevel(), true);
        pool.release(root, geo.rootBytes());
    }

    private void free(long table, int level, boolean isRoot) {
        long entries = isRoot ? geo.rootBytes() / 8 : 1L << stride;
        for (long i = 0; i < entries; i++) {
            long d = host.readDescriptor(table + i * 8);
            if (level < 3 && (d & 3) == 3) {
                long child = d & OA_MASK;
                free(child, level + 1, false);
                pool.release(child, 1L << geo.granuleShift());
                tablePages--;
            }
        }
    }

    private void check(long ipa, long size) {
        long g = 1L << geo.granuleShift();
        if (((ipa | size) & (g - 1)) != 0 || size <= 0 || ipa < 0 || ((ipa + size - 1) >>> geo.ipaBits()) != 0) {
            throw new IllegalArgumentException("stage-2 range 0x" + Long.toHexString(ipa) + "+0x"
                    + Long.toHexString(size) + " is not granule-aligned inside the " + geo.ipaBits() + "-bit IPA space");
        }
    }

    /** Writes a leaf for ipa at level, creating the tables above it. */
    private void install(long ipa, int level, long leaf) {
        long table = root;
        for (int l = geo.startLevel(); l < level; l++) {
            long slot = entry(table, l, ipa);
            long d = host.readDescriptor(slot);
            if ((d & 3) != 3) {
                long child = pool.allocate(1L << geo.granuleShift());
                tablePages++;
                // a block being replaced by a table loses its mapping: the caller's TLBI covers the range
                host.writeDescriptor(slot, child | 3);
                d = child | 3;
            }
            table = d & OA_MASK;
        }
        host.writeDescriptor(entry(table, level, ipa), leaf);
    }

    private interface LeafVisitor {
        void visit(long slot, long desc);
    }

    private void forEachLeaf(long ipa, long size, LeafVisitor v) {
        long a = ipa;
        while (a < ipa + size) {
            long table = root;
            int level = geo.startLevel();
            long step = 1L << geo.granuleShift();
            while (true) {
                long slot = entry(table, level, a);
                long d = host.readDescriptor(slot);
                long span = 1L << shift(level);
                if ((d & 1) == 0) {
                    step = span - (a & (span - 1)); // nothing mapped here: skip the whole entry
                    break;
                }
                if (level == 3 || (d & 2) == 0) {
                    if ((a & (span - 1)) != 0 || a + span > ipa + size) {
                        throw new IllegalArgumentException("stage-2 range 0x" + Long.toHexString(ipa) + "+0x"
                                + Long.toHexString(size) + " covers part of a " + span / 1024 + " KiB block at 0x"
                                + Long.toHexString(a & -span));
                    }
                    v.visit(slot, d);
                    step = span;
                    break;
                }
                table = d & OA_MASK;
                level++;
            }
            a += step;
        }
    }
}
