package org.polyvisor.ppc.internal.mmu;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An e500mc TLB pair: TLB0 (512 entries, 4-way, 128 sets, 4 KiB pages) at indices 0..511 (set * 4 + way) and TLB1
 * (64 entries, fully associative, variable size) at 512..575. Used for the physical TLB (entries tagged with
 * MAS8 TGS/TLPID) and for each vCPU's guest TLB (MAS8 always 0), so that tlbwe/tlbre/tlbsx have one implementation.
 */
public final class TlbArray {
    public static final int TLB0_ENTRIES = 512, TLB0_WAYS = 4, TLB0_SETS = 128, TLB1_ENTRIES = 64;
    public static final int TLB1_BASE = TLB0_ENTRIES, TOTAL = TLB0_ENTRIES + TLB1_ENTRIES;

    public final int[] mas1 = new int[TOTAL];
    public final int[] mas2 = new int[TOTAL];
    public final int[] mas3 = new int[TOTAL];
    public final int[] mas7 = new int[TOTAL];
    public final int[] mas8 = new int[TOTAL];
    /** log2 of each entry's page size, cached so that lookups do not decode TSIZE. */
    private final int[] shift = new int[TOTAL];
    /** MMU architecture version 2 decodes TSIZE as 2^n KiB (5 bits); version 1 (e500mc) as 4^n KiB (4 bits). */
    private final boolean mmuV2;
    /** Called after every change, so that translation caches in front of this TLB are dropped. */
    private Runnable onChange = () -> { };

    public TlbArray(boolean mmuV2) {
        this.mmuV2 = mmuV2;
        Arrays.fill(shift, 12);
    }

    public void onChange(Runnable r) {
        this.onChange = r;
    }

    public boolean mmuV2() {
        return mmuV2;
    }

    /** Page size shift for a MAS1 value in this MMU version (at least 4 KiB, at most 4 GiB). */
    public int sizeShift(int m1) {
        int s = mmuV2 ? 10 + ((m1 >>> 7) & 0x1F) : 10 + 2 * ((m1 >>> 8) & 0xF);
        return Math.max(12, Math.min(32, s));
    }

    public int shift(int idx) {
        return shift[idx];
    }

    public static boolean isTlb1(int idx) {
        return idx >= TLB1_BASE;
    }

    /** Entry index for a tlbwe/tlbre selection: TLB0 picks the set from the EPN and the way from ESEL. */
    public static int select(int tlbsel, int esel, int epn) {
        if (tlbsel == 0) {
            return ((epn >>> 12) & (TLB0_SETS - 1)) * TLB0_WAYS + (esel & (TLB0_WAYS - 1));
        }
        return TLB1_BASE + (esel & (TLB1_ENTRIES - 1));
    }

    /** Writes an entry; TLB0 entries are forced to 4 KiB and the EPN is aligned to the page size, as QEMU does. */
    public void write(int idx, int m1, int m2, int m3, int m7, int m8) {
        if (!isTlb1(idx)) {
            m1 = (m1 & ~Mas.MAS1_TSIZE) | Mas.MAS1_TSIZE_4K;
        }
        int s = sizeShift(m1);
        int epnMask = s >= 32 ? 0 : ~((1 << s) - 1);
        mas1[idx] = m1;
        mas2[idx] = (m2 & epnMask) | (m2 & Mas.MAS2_ATTR);
        mas3[idx] = m3;
        mas7[idx] = m7;
        mas8[idx] = m8;
        shift[idx] = s;
        onChange.run();
    }

    public void invalidate(int idx) {
        mas1[idx] &= ~Mas.MAS1_V;
        onChange.run();
    }

    /** True if entry idx translates ea for this context (KVM kvmppc_e500_tlb_index plus the MAS8 guest tag). */
    public boolean matches(int idx, int ea, int as, int pid, boolean tagged, boolean gs, int lpid) {
        int m1 = mas1[idx];
        if (m1 >= 0 || ((m1 >>> 12) & 1) != as) {
            return false;
        }
        int tid = (m1 & Mas.MAS1_TID) >>> Mas.MAS1_TID_SHIFT;
        if (tid != 0 && tid != pid) {
            return false;
        }
        if (tagged) {
            int m8 = mas8[idx];
            if ((m8 < 0) != gs || (gs && (m8 & Mas.MAS8_TLPID) != lpid)) {
                return false;
            }
        }
        int s = shift[idx];
        return s >= 32 || ((ea ^ mas2[idx]) >>> s) == 0;
    }

    /**
     * Finds the entry translating {@code ea}: TLB0's set first, then TLB1 (the e500mc searches both in parallel;
     * a multi-hit is a guest error, any hit is acceptable). Returns -1 on a miss.
     */
    public int lookup(int ea, int as, int pid, boolean tagged, boolean gs, int lpid) {
        int base = ((ea >>> 12) & (TLB0_SETS - 1)) * TLB0_WAYS;
        for (int i = base; i < base + TLB0_WAYS; i++) {
            if (matches(i, ea, as, pid, tagged, gs, lpid)) {
                return i;
            }
        }
        for (int i = TLB1_BASE; i < TOTAL; i++) {
            if (matches(i, ea, as, pid, tagged, gs, lpid)) {
                return i;
            }
        }
        return -1;
    }

    /** The real address for ea through entry idx: (MAS7 || MAS3[RPN]) with the page offset of ea. */
    public long realAddress(int idx, int ea) {
        long rpn = ((long) mas7[idx] << 32) | (mas3[idx] & 0xFFFF_F000L);
        long mask = (1L << shift[idx]) - 1;
        return (rpn & ~mask) | (ea & 0xFFFF_FFFFL & mask);
    }

    /** First address and size in bytes of the EA range an entry maps. */
    public long epnBase(int idx) {
        return mas2[idx] & 0xFFFF_F000L & ~((1L << shift[idx]) - 1);
    }

    public long pageBytes(int idx) {
        return 1L << shift[idx];
    }

    /** Invalidates every valid entry matching the predicate, one change notification in the end. */
    public void invalidateWhere(EntryPredicate p) {
        boolean any = false;
        for (int i = 0; i < TOTAL; i++) {
            if (mas1[i] < 0 && p.test(i)) {
                mas1[i] &= ~Mas.MAS1_V;
                any = true;
            }
        }
        if (any) {
            onChange.run();
        }
    }

    /** Selects entries by index. */
    @FunctionalInterface
    public interface EntryPredicate {
        boolean test(int idx);
    }

    /** The TLB as a blob (5 big-endian words per entry) for state snapshots. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(TOTAL * 20);
        for (int i = 0; i < TOTAL; i++) {
            b.putInt(mas1[i]).putInt(mas2[i]).putInt(mas3[i]).putInt(mas7[i]).putInt(mas8[i]);
        }
        return b.array();
    }

    public void fromBytes(byte[] data) {
        if (data.length != TOTAL * 20) {
            throw new IllegalArgumentException("TLB blob has " + data.length + " bytes, expected " + TOTAL * 20);
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        for (int i = 0; i < TOTAL; i++) {
            mas1[i] = b.getInt();
            mas2[i] = b.getInt();
            mas3[i] = b.getInt();
            mas7[i] = b.getInt();
            mas8[i] = b.getInt();
            shift[i] = isTlb1(i) ? sizeShift(mas1[i]) : 12;
        }
        onChange.run();
    }
}
