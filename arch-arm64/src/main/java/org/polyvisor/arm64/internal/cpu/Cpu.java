package org.polyvisor.arm64.internal.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.LongPredicate;

import org.polyvisor.arm64.internal.decode.Encoding;
import org.polyvisor.arm64.internal.sysreg.SysRegFile;
import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.arm64.spi.SysRegState;
import org.polyvisor.memory.GuestMemory;

/**
 * Architectural state of one AArch64 PE running at EL0/EL1 under a modelled EL2, plus the fast paths every
 * instruction needs: the software TLB and little-endian loads/stores. Hot fields are public and plain (the vCPU
 * thread is the only one touching them) so that the instruction handlers in {@code exec} stay small.
 */
public final class Cpu implements SysRegState {
    /** Handler results: continue with the next instruction, end the block (retired), end it (not retired). */
    public static final int NEXT = 0;
    public static final int JUMP = 1;
    public static final int EXC = 2;

    public static final int ACC_R = 0;
    public static final int ACC_W = 1;
    public static final int ACC_X = 2;

    static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong L64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final int TLB_BITS = 10;
    static final int TLB_MASK = (1 << TLB_BITS) - 1;

    // ---- general-purpose state ----
    /** x0..x30, [31] = XZR (always 0), [32] = write sink for XZR, [33] = the current stack pointer. */
    public final long[] x = new long[34];
    public long pc;
    /**
     * Lazy NZCV: flag-setting instructions record their kind and operands ({@link #fk}, {@link #fa}, {@link #fb},
     * {@link #fr}) and the flags are computed only when something reads them (a condition, MRS NZCV, exception
     * entry). {@link #FK_NZCV} means the flags are explicit in {@link #fnzcv}.
     */
    public int fk;
    public long fa;
    public long fb;
    public long fr;
    public int fnzcv;
    public static final int FK_NZCV = 0;
    /** 64-bit add, carry-in 0 / 1 (subtraction is an add of ~b with carry-in 1). */
    public static final int FK_ADD64 = 1;
    public static final int FK_ADD64C = 2;
    /** 32-bit add: fr holds the 33-bit sum of the zero-extended operands and the carry-in. */
    public static final int FK_ADD32 = 3;
    public static final int FK_LOGIC64 = 4;
    public static final int FK_LOGIC32 = 5;
    /** Current exception level (0 or 1). */
    public int el = 1;
    /** PSTATE.SP: true when EL1 uses SP_EL1. */
    public boolean spSel = true;
    /** Banked stack pointers; the active one lives in x[33] and is written back on every bank switch. */
    public long spEl0;
    public long spEl1;
    /** PSTATE.{D,A,I,F} in their SPSR bit positions 9..6. */
    public int daif = 0x3C0;
    public boolean ss;
    public boolean il;

    // ---- exclusive monitor (single-PE model: address and size of the last LDXR) ----
    public long exclAddr = -1;
    public int exclSize;
    /** Value the last LDXR read: STXR compares it atomically so exclusives work across vCPU threads (as QEMU does). */
    public long exclVal;

    // ---- system registers ----
    public final SysRegFile regs;
    public final long[] sys;
    public final int iSctlr;
    public final int iTcr;
    public final int iTtbr0;
    public final int iTtbr1;
    public final int iVbar;
    public final int iElr1;
    public final int iSpsr1;
    public final int iEsr1;
    public final int iFar1;
    public final int iHcr;
    public final int iEsr2;
    public final int iFar2;
    public final int iHpfar2;
    public final int iElr2;
    public final int iCpacr;
    public final int iPar;
    public final int iCntvoff;

    // ---- memory ----
    public final GuestMemory memory;
    public Stage2 stage2;
    public final LongPredicate isDevice;
    /** Software TLB, direct-mapped by VA page, one table per access kind and per EL (EL0, EL1). */
    final TlbEntry[][] rByEl = {new TlbEntry[TLB_MASK + 1], new TlbEntry[TLB_MASK + 1]};
    final TlbEntry[][] wByEl = {new TlbEntry[TLB_MASK + 1], new TlbEntry[TLB_MASK + 1]};
    final TlbEntry[][] xByEl = {new TlbEntry[TLB_MASK + 1], new TlbEntry[TLB_MASK + 1]};
    TlbEntry[] tr;
    TlbEntry[] tw;
    TlbEntry[] tx;
    /** Bumped whenever cached translations become invalid; the block lookup cache compares it. */
    public int tlbGen;
    long stage2Gen;
    public final BlockCache blocks = new BlockCache(this);
    final Stage1Walk walk = new Stage1Walk(this);

    /** Set by a load/store slow path when the access raised an exception or an exit; cleared by the run loop. */
    public boolean fault;
    /** An exit to the hypervisor layer that the run loop must return. */
    public org.polyvisor.spi.Exit pendingExit;
    /** The last exit to EL2 per exception class, reused while the syndrome repeats (see Exceptions.toEl2). */
    final Arm64Exit[] lastEl2Exit = new Arm64Exit[64];
    public final MmioAccess mmio = new MmioAccess();

    public long retired;
    /** Loads/stores that missed the TLB fast path (statistics). */
    public long slowAccesses;
    /**
     * CNTPCT is one system-wide counter: every PE (vCPU) and every model instance in this JVM counts from the same
     * origin, so SMP guests see one time base and a swapped-in model continues the guest's time.
     */
    static final long COUNTER_EPOCH = counterEpoch();

    /**
     * The counter's origin, kept in a JVM-wide system property: an updated bundle loads this class again in a new
     * class loader, and the guest's time must not jump back when its VM moves to the new code.
     */
    private static long counterEpoch() {
        Object v = System.getProperties().computeIfAbsent("org.polyvisor.arm64.counterEpoch",
                k -> Long.toString(System.nanoTime()));
        return Long.parseLong(v.toString());
    }
    final long counterEpoch = COUNTER_EPOCH;

    public Cpu(GuestMemory memory, Stage2 stage2, LongPredicate isDevice, SysRegFile regs) {
        this.memory = memory;
        this.stage2 = stage2;
        this.isDevice = isDevice;
        this.regs = regs;
        this.sys = new long[regs.size()];
        iSctlr = regs.index("SCTLR_EL1");
        iTcr = regs.index("TCR_EL1");
        iTtbr0 = regs.index("TTBR0_EL1");
        iTtbr1 = regs.index("TTBR1_EL1");
        iVbar = regs.index("VBAR_EL1");
        iElr1 = regs.index("ELR_EL1");
        iSpsr1 = regs.index("SPSR_EL1");
        iEsr1 = regs.index("ESR_EL1");
        iFar1 = regs.index("FAR_EL1");
        iHcr = regs.index("HCR_EL2");
        iEsr2 = regs.index("ESR_EL2");
        iFar2 = regs.index("FAR_EL2");
        iHpfar2 = regs.index("HPFAR_EL2");
        iElr2 = regs.index("ELR_EL2");
        iCpacr = regs.index("CPACR_EL1");
        iPar = regs.index("PAR_EL1");
        iCntvoff = regs.index("CNTVOFF_EL2");
        reset();
    }

    /** Boot state of QEMU's virt machine for an ELF kernel: EL1h, registers 0, MMU off, DAIF masked. */
    public void reset() {
        java.util.Arrays.fill(x, 0);
        pc = 0;
        fk = FK_NZCV;
        fnzcv = 0;
        el = 1;
        spSel = true;
        spEl0 = spEl1 = 0;
        daif = 0x3C0;
        ss = il = false;
        exclAddr = -1;
        regs.reset(sys);
        flushTlb();
    }

    // ---------------------------------------------------------------- PSTATE and stack pointers

    /** PSTATE in SPSR format. */
    public long pstate() {
        return ((long) nzcv() << 28) | (ss ? 1L << 21 : 0) | (il ? 1L << 20 : 0) | daif | ((long) el << 2) | (spSel ? 1 : 0);
    }

    public int nzcv() {
        return (flagN() ? 8 : 0) | (flagZ() ? 4 : 0) | (flagC() ? 2 : 0) | (flagV() ? 1 : 0);
    }

    public void setNzcv(int f) {
        fk = FK_NZCV;
        fnzcv = f & 0xF;
    }

    public boolean flagN() {
        return switch (fk) {
            case FK_NZCV -> (fnzcv & 8) != 0;
            case FK_ADD32, FK_LOGIC32 -> (int) fr < 0;
            default -> fr < 0;
        };
    }

    public boolean flagZ() {
        return switch (fk) {
            case FK_NZCV -> (fnzcv & 4) != 0;
            case FK_ADD32, FK_LOGIC32 -> (int) fr == 0;
            default -> fr == 0;
        };
    }

    public boolean flagC() {
        return switch (fk) {
            case FK_NZCV -> (fnzcv & 2) != 0;
            case FK_ADD64 -> Long.compareUnsigned(fr, fa) < 0;
            case FK_ADD64C -> Long.compareUnsigned(fr, fa) <= 0;
            case FK_ADD32 -> (fr >>> 32) != 0;
            default -> false;
        };
    }

    public boolean flagV() {
        return switch (fk) {
            case FK_NZCV -> (fnzcv & 1) != 0;
            case FK_ADD64, FK_ADD64C -> ((fa ^ fr) & (fb ^ fr)) < 0;
            case FK_ADD32 -> (((int) fa ^ (int) fr) & ((int) fb ^ (int) fr)) < 0;
            default -> false;
        };
    }

    private boolean usesSpEl0() {
        return el == 0 || !spSel;
    }

    /** Writes the active stack pointer back to its bank (before reading the banks or switching). */
    public void syncSp() {
        if (usesSpEl0()) {
            spEl0 = x[Encoding.SP];
        } else {
            spEl1 = x[Encoding.SP];
        }
    }

    /** Changes EL and/or PSTATE.SP, switching the stack pointer bank and the TLB set. */
    public void setElSp(int newEl, boolean newSpSel) {
        syncSp();
        boolean elChanged = newEl != el;
        el = newEl;
        spSel = newSpSel;
        x[Encoding.SP] = usesSpEl0() ? spEl0 : spEl1;
        if (elChanged) {
            selectTlb();
        }
    }

    /** Sets the whole PSTATE from an SPSR value (no legality checks; see {@link Exceptions#eret}). */
    public void setPstate(long spsr) {
        setNzcv((int) (spsr >>> 28) & 0xF);
        ss = (spsr & (1L << 21)) != 0;
        il = (spsr & (1L << 20)) != 0;
        daif = (int) spsr & 0x3C0;
        setElSp((int) (spsr >>> 2) & 3, (spsr & 1) != 0);
    }

    public long hcr() {
        return sys[iHcr];
    }

    public long sctlr() {
        return sys[iSctlr];
    }

    // ---------------------------------------------------------------- TLB

    private void selectTlb() {
        int i = el == 0 ? 0 : 1;
        tr = rByEl[i];
        tw = wByEl[i];
        tx = xByEl[i];
    }

    /** Drops every cached translation (TLBI, TTBR/TCR/SCTLR writes, stage-2 changes). */
    public void flushTlb() {
        for (int e = 0; e < 2; e++) {
            java.util.Arrays.fill(rByEl[e], TlbEntry.NONE);
            java.util.Arrays.fill(wByEl[e], TlbEntry.NONE);
            java.util.Arrays.fill(xByEl[e], TlbEntry.NONE);
        }
        tlbGen++;
        selectTlb();
    }

    /** Removes write permission for a physical page from every TLB entry (the page now holds decoded code). */
    void protectCodePage(long ppn) {
        for (int e = 0; e < 2; e++) {
            TlbEntry[] w = wByEl[e];
            for (int i = 0; i <= TLB_MASK; i++) {
                if ((w[i].pa >>> 12) == ppn) {
                    w[i] = TlbEntry.NONE;
                }
            }
        }
    }

    void tlbInstall(long va, long paddr, boolean r, boolean w, boolean xx) {
        MemorySegment s = memory.chunk(paddr);
        if (s == null) {
            return;
        }
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = new TlbEntry(vpn, s, paddr & GuestMemory.CHUNK_MASK & ~0xFFFL, paddr & ~0xFFFL);
        tr[i] = r ? e : TlbEntry.NONE;
        tw[i] = w && !blocks.isCodePage(paddr >>> 12) ? e : TlbEntry.NONE;
        tx[i] = xx ? e : TlbEntry.NONE;
    }

    /** Drops cached translations when the hypervisor layer changed stage 2 (checked each time the vCPU enters). */
    public void checkStage2Generation() {
        long g = stage2.generation();
        if (g != stage2Gen) {
            stage2Gen = g;
            flushTlb();
        }
    }

    @Override
    public void translationChanged() {
        flushTlb();
    }

    // ---------------------------------------------------------------- loads (fast path inline, slow path out of line)

    public long read8(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = tr[i];
        if (e.vpn == vpn) {
            return e.seg.get(ValueLayout.JAVA_BYTE, e.off + (va & 0xFFF)) & 0xFFL;
        }
        return slowRead(va, 1, false);
    }

    public long read16(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = tr[i];
        if (e.vpn == vpn && (va & 0xFFF) <= 0xFFE) {
            return e.seg.get(S16, e.off + (va & 0xFFF)) & 0xFFFFL;
        }
        return slowRead(va, 2, false);
    }

    public long read32(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = tr[i];
        if (e.vpn == vpn && (va & 0xFFF) <= 0xFFC) {
            return e.seg.get(I32, e.off + (va & 0xFFF)) & 0xFFFF_FFFFL;
        }
        return slowRead(va, 4, false);
    }

    public long read64(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = tr[i];
        if (e.vpn == vpn && (va & 0xFFF) <= 0xFF8) {
            return e.seg.get(L64, e.off + (va & 0xFFF));
        }
        return slowRead(va, 8, false);
    }

    /** Zero-extended load of 1, 2, 4 or 8 bytes. */
    public long read(long va, int size) {
        return switch (size) {
            case 1 -> read8(va);
            case 2 -> read16(va);
            case 4 -> read32(va);
            default -> read64(va);
        };
    }

    public void write8(long va, long value) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = tw[i];
        if (e.vpn == vpn) {
            e.seg.set(ValueLayout.JAVA_BYTE, e.off + (va & 0xFFF), (byte) value);
            return;
        }
        slowWrite(va, 1, value, false);
    }

    public void write16(long va, long value) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = tw[i];
        if (e.vpn == vpn && (va & 0xFFF) <= 0xFFE) {
            e.seg.set(S16, e.off + (va & 0xFFF), (short) value);
            return;
        }
        slowWrite(va, 2, value, false);
    }

    public void write32(long va, long value) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = tw[i];
        if (e.vpn == vpn && (va & 0xFFF) <= 0xFFC) {
            e.seg.set(I32, e.off + (va & 0xFFF), (int) value);
            return;
        }
        slowWrite(va, 4, value, false);
    }

    public void write64(long va, long value) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = tw[i];
        if (e.vpn == vpn && (va & 0xFFF) <= 0xFF8) {
            e.seg.set(L64, e.off + (va & 0xFFF), value);
            return;
        }
        slowWrite(va, 8, value, false);
    }

    public void write(long va, int size, long value) {
        switch (size) {
            case 1 -> write8(va, value);
            case 2 -> write16(va, value);
            case 4 -> write32(va, value);
            default -> write64(va, value);
        }
    }

    /** Slow path: TLB miss, page-crossing access, device memory, unprivileged (LDTR/STTR) access, or a fault. */
    public long slowRead(long va, int size, boolean unpriv) {
        slowAccesses++;
        if ((va & 0xFFF) + size > 0x1000) {
            long r = 0;
            for (int b = 0; b < size; b++) {
                long byteVal = slowRead(va + b, 1, unpriv);
                if (fault) {
                    return 0;
                }
                r |= byteVal << (8 * b);
            }
            return r;
        }
        long p = walk.translate(va, ACC_R, unpriv);
        if (p < 0) {
            dataAbort(va, size, false, 0, p);
            return 0;
        }
        MemorySegment s = memory.chunk(p);
        long o = p & GuestMemory.CHUNK_MASK;
        return switch (size) {
            case 1 -> s.get(ValueLayout.JAVA_BYTE, o) & 0xFFL;
            case 2 -> s.get(S16, o) & 0xFFFFL;
            case 4 -> s.get(I32, o) & 0xFFFF_FFFFL;
            default -> s.get(L64, o);
        };
    }

    public void slowWrite(long va, int size, long value, boolean unpriv) {
        slowAccesses++;
        if ((va & 0xFFF) + size > 0x1000) {
            // Check both pages first so that a fault on the second page leaves memory untouched.
            walk.translate(va, ACC_W, unpriv);
            long p2 = walk.translate((va + size - 1), ACC_W, unpriv);
            if (p2 < 0) {
                dataAbort(va + size - 1, size, true, value, p2);
                return;
            }
            for (int b = 0; b < size; b++) {
                slowWrite(va + b, 1, value >>> (8 * b), unpriv);
                if (fault) {
                    return;
                }
            }
            return;
        }
        long p = walk.translate(va, ACC_W, unpriv);
        if (p < 0) {
            dataAbort(va, size, true, value, p);
            return;
        }
        if (blocks.isCodePage(p >>> 12)) {
            blocks.invalidateRange(p, size);
        }
        MemorySegment s = memory.chunk(p);
        long o = p & GuestMemory.CHUNK_MASK;
        switch (size) {
            case 1 -> s.set(ValueLayout.JAVA_BYTE, o, (byte) value);
            case 2 -> s.set(S16, o, (short) value);
            case 4 -> s.set(I32, o, (int) value);
            default -> s.set(L64, o, value);
        }
    }

    /** Unprivileged (LDTR/STTR) accesses: at EL1 they use EL0 permissions, so they never use the TLB. */
    public long readUnpriv(long va, int size) {
        return slowRead(va, size, el == 1);
    }

    public void writeUnpriv(long va, int size, long value) {
        slowWrite(va, size, value, el == 1);
    }

    /** Routes a failed data translation: stage-1 fault to EL1, device access to an MMIO exit, else external abort. */
    private void dataAbort(long va, int size, boolean write, long value, long code) {
        fault = true;
        if (code == Stage1Walk.DEVICE) {
            Exceptions.mmioAbort(this, va, walk.faultIpa, size, write, value);
        } else if (code == Stage1Walk.STAGE2_EXIT) {
            // ISV=0: the handler is expected to fix the mapping and re-run the instruction, not to emulate it
            Exceptions.toEl2(this, Ec.DABT_LOW, (write ? 1 << 6 : 0) | 0x07, va, (walk.faultIpa >>> 12) << 4, pc);
        } else {
            int ec = el == 0 ? Ec.DABT_LOW : Ec.DABT_CUR;
            Exceptions.takeSync(this, ec, (write ? 1 << 6 : 0) | walk.faultStatus, va, pc);
        }
    }

    // ---------------------------------------------------------------- instruction fetch

    /** Physical address of the instruction at va, or -1 after taking the instruction abort. */
    public long fetchPa(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = tx[i];
        if (e.vpn == vpn) {
            return e.pa | (va & 0xFFF);
        }
        long p = walk.translate(va, ACC_X, false);
        if (p >= 0) {
            return p;
        }
        if (p == Stage1Walk.STAGE2_EXIT) {
            Exceptions.toEl2(this, Ec.IABT_LOW, 0x07, va, (walk.faultIpa >>> 12) << 4, va);
            return -1;
        }
        if (p == Stage1Walk.DEVICE) {
            pendingExit = new org.polyvisor.spi.Exit.Failure("instruction fetch from device memory at IPA 0x"
                    + Long.toHexString(walk.faultIpa) + " (VA 0x" + Long.toHexString(va) + ")");
            return -1;
        }
        Exceptions.takeSync(this, el == 0 ? Ec.IABT_LOW : Ec.IABT_CUR, walk.faultStatus, va, va);
        return -1;
    }

    // ---------------------------------------------------------------- SysRegState

    @Override
    public int currentEl() {
        return el;
    }

    @Override
    public long raw(String name) {
        return sys[regs.index(name)];
    }

    @Override
    public void setRaw(String name, long value) {
        sys[regs.index(name)] = value;
    }

    /** CNTPCT: 62.5 MHz, i.e. one tick per 16 ns of host time since this vCPU was created. */
    public long physicalCount() {
        return (System.nanoTime() - counterEpoch) >>> 4;
    }

    @Override
    public long virtualCount() {
        return physicalCount() - sys[iCntvoff];
    }

    // ---------------------------------------------------------------- cache and translation operations

    /** DC ZVA: zeroes the 64-byte block (DCZID_EL0.BS = 4) containing va, faulting like a store. */
    public void dcZva(long va) {
        long base = va & ~63L;
        for (int i = 0; i < 64; i += 8) {
            write64(base + i, 0);
            if (fault) {
                return;
            }
        }
    }

    /** AT S1E1R/W, S1E0R/W: stage-1 (plus stage-2) translation without faulting; the result goes to PAR_EL1. */
    public void at(long va, boolean write, boolean el0) {
        long p = walk.translate(va, write ? ACC_W : ACC_R, el0 || el == 0, false);
        if (p == Stage1Walk.DEVICE) {
            p = walk.faultIpa;
        }
        // PAR_EL1 as QEMU builds it: bit 11 RES1, NS (bit 9) for a non-secure result, SH in 8:7, ATTR in 63:56
        if (p >= 0) {
            long mair = sys[regs.index("MAIR_EL1")];
            long attr = (sctlr() & 1) == 0 ? 0 : (mair >>> (8 * walk.lastAttrIndex)) & 0xFF;
            sys[iPar] = (attr << 56) | (p & 0x0000_FFFF_FFFF_F000L) | 0x800 | 0x200
                    | ((long) walk.lastShareability << 7);
        } else {
            sys[iPar] = 0x800 | 1 | ((long) walk.faultStatus << 1);
        }
    }

    /** A complete walk for diagnostics (Mmu view): PA, or a negative code with {@link #probeFaultStatus()}. */
    public long probe(long va, int acc, boolean el0) {
        long p = walk.translate(va, acc, el0, false);
        return p == Stage1Walk.DEVICE ? walk.faultIpa : p;
    }

    public int probeFaultStatus() {
        return walk.faultStatus;
    }

    /** Mask for results of 32-bit operations. */
    public static final long M32 = 0xFFFF_FFFFL;
}
