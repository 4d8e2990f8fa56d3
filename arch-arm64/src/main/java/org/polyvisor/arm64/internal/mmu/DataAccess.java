package org.polyvisor.arm64.internal.mmu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.LongPredicate;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.arm64.internal.cpu.Esr;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.cpu.TlbControl;
import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.memory.GuestMemory;

/**
 * The PE's data side: software TLB (direct-mapped by VA page, one set per EL and access kind), little-endian loads
 * and stores with the TLB hit inline and everything else on a slow path (miss, page crossing, device, fault), the
 * instruction-fetch translation, DC ZVA and AT. Faults are taken as the hardware takes them: stage 1 to EL1,
 * stage 2 to EL2 with the syndrome recorded ({@link DeviceAbort} for device accesses).
 */
public final class DataAccess implements TlbControl {
    public static final int ACC_R = 0;
    public static final int ACC_W = 1;
    public static final int ACC_X = 2;

    static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong L64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final int TLB_BITS = 10;
    static final int TLB_MASK = (1 << TLB_BITS) - 1;

    public final Cpu cpu;
    private final Cpu c;
    public final GuestMemory memory;
    public final Stage2 stage2;
    /** Whether an IPA belongs to a device (the machine's MMIO map): such accesses trap to EL2 with a syndrome. */
    public final LongPredicate isDevice;
    /** Software TLB, direct-mapped by VA page, one table per access kind and per EL (EL0, EL1). */
    private final TlbEntry[][] rByEl = {new TlbEntry[TLB_MASK + 1], new TlbEntry[TLB_MASK + 1]};
    private final TlbEntry[][] wByEl = {new TlbEntry[TLB_MASK + 1], new TlbEntry[TLB_MASK + 1]};
    private final TlbEntry[][] xByEl = {new TlbEntry[TLB_MASK + 1], new TlbEntry[TLB_MASK + 1]};
    private TlbEntry[] tr;
    private TlbEntry[] tw;
    private TlbEntry[] tx;
    /** Bumped whenever cached translations become invalid; the block lookup cache compares it. */
    public int tlbGen;
    private long stage2Gen;
    final Stage1Walk walk;
    private final int iMair;
    /** Pages holding decoded code (the block cache): stores to them take the slow path and invalidate blocks. */
    private CodePages codePages = CodePages.NONE;

    public DataAccess(Cpu cpu, GuestMemory memory, Stage2 stage2, LongPredicate isDevice) {
        this.cpu = cpu;
        this.c = cpu;
        this.memory = memory;
        this.stage2 = stage2;
        this.isDevice = isDevice;
        this.walk = new Stage1Walk(this);
        this.iMair = cpu.regs.index("MAIR_EL1");
        cpu.attach(this);
    }

    /** Connects the decoded-code tracker (the block cache) once it exists. */
    public void watchCodePages(CodePages pages) {
        codePages = pages;
    }

    // ---------------------------------------------------------------- TLB

    @Override
    public void elChanged(int el) {
        selectTlb();
    }

    @Override
    public void flushAll() {
        flushTlb();
    }

    private void selectTlb() {
        int i = c.el == 0 ? 0 : 1;
        tr = rByEl[i];
        tw = wByEl[i];
        tx = xByEl[i];
    }

    /** Drops every cached translation (TLBI, TTBR/TCR/SCTLR writes, stage-2 changes). */
    public void flushTlb() {
        for (int e = 0; e < 2; e++) {
            Arrays.fill(rByEl[e], TlbEntry.NONE);
            Arrays.fill(wByEl[e], TlbEntry.NONE);
            Arrays.fill(xByEl[e], TlbEntry.NONE);
        }
        tlbGen++;
        selectTlb();
    }

    /** Removes write permission for a physical page from every TLB entry (the page now holds decoded code). */
    public void protectCodePage(long ppn) {
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
        tw[i] = w && !codePages.isCodePage(paddr >>> 12) ? e : TlbEntry.NONE;
        tx[i] = xx ? e : TlbEntry.NONE;
    }

    /** A store reached RAM at pa: blocks decoded from those bytes are stale. */
    void codeWritten(long pa, int size) {
        if (codePages.isCodePage(pa >>> 12)) {
            codePages.invalidateRange(pa, size);
        }
    }

    /** Drops cached translations when the hypervisor layer changed stage 2 (checked each time the vCPU enters). */
    public void checkStage2Generation() {
        long g = stage2.generation();
        if (g != stage2Gen) {
            stage2Gen = g;
            flushTlb();
        }
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
        c.slowAccesses++;
        if ((va & 0xFFF) + size > 0x1000) {
            long r = 0;
            for (int b = 0; b < size; b++) {
                long byteVal = slowRead(va + b, 1, unpriv);
                if (c.fault) {
                    return 0;
                }
                r |= byteVal << (8 * b);
            }
            return r;
        }
        long p = walk.translate(va, ACC_R, unpriv);
        if (p < 0) {
            dataAbort(va, size, false, p);
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
        c.slowAccesses++;
        if ((va & 0xFFF) + size > 0x1000) {
            // Check both pages first so that a fault on the second page leaves memory untouched.
            walk.translate(va, ACC_W, unpriv);
            long p2 = walk.translate((va + size - 1), ACC_W, unpriv);
            if (p2 < 0) {
                dataAbort(va + size - 1, size, true, p2);
                return;
            }
            for (int b = 0; b < size; b++) {
                slowWrite(va + b, 1, value >>> (8 * b), unpriv);
                if (c.fault) {
                    return;
                }
            }
            return;
        }
        long p = walk.translate(va, ACC_W, unpriv);
        if (p < 0) {
            dataAbort(va, size, true, p);
            return;
        }
        codeWritten(p, size);
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
        return slowRead(va, size, c.el == 1);
    }

    public void writeUnpriv(long va, int size, long value) {
        slowWrite(va, size, value, c.el == 1);
    }

    /** Routes a failed data translation: stage-1 fault to EL1, device access or stage-2 fault to EL2. */
    private void dataAbort(long va, int size, boolean write, long code) {
        c.fault = true;
        if (code == Stage1Walk.DEVICE) {
            DeviceAbort.take(this, va, walk.faultIpa, size, write);
        } else if (code == Stage1Walk.STAGE2_EXIT) {
            // ISV=0: the handler is expected to fix the mapping and re-run the instruction, not to emulate it
            Exceptions.toEl2(c, Ec.DABT_LOW, (write ? Esr.ISS_WNR : 0) | Esr.DFSC_TRANSLATION_L3, va,
                    Esr.hpfar(walk.faultIpa), c.pc);
        } else {
            int ec = c.el == 0 ? Ec.DABT_LOW : Ec.DABT_CUR;
            Exceptions.takeSync(c, ec, (write ? Esr.ISS_WNR : 0) | walk.faultStatus, va, c.pc);
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
        if (p == Stage1Walk.STAGE2_EXIT || p == Stage1Walk.DEVICE) {
            // a stage-2 instruction abort: the hypervisor decides (map the page, or fail a fetch from a device)
            Exceptions.toEl2(c, Ec.IABT_LOW, Esr.DFSC_TRANSLATION_L3, va, Esr.hpfar(walk.faultIpa), va);
            return -1;
        }
        Exceptions.takeSync(c, c.el == 0 ? Ec.IABT_LOW : Ec.IABT_CUR, walk.faultStatus, va, va);
        return -1;
    }

    // ---------------------------------------------------------------- cache and translation operations

    /** DC ZVA: zeroes the 64-byte block (DCZID_EL0.BS = 4) containing va, faulting like a store. */
    public void dcZva(long va) {
        long base = va & ~63L;
        for (int i = 0; i < 64; i += 8) {
            write64(base + i, 0);
            if (c.fault) {
                return;
            }
        }
    }

    /** AT S1E1R/W, S1E0R/W: stage-1 (plus stage-2) translation without faulting; the result goes to PAR_EL1. */
    public void at(long va, boolean write, boolean el0) {
        long p = walk.translate(va, write ? ACC_W : ACC_R, el0 || c.el == 0, false);
        if (p == Stage1Walk.DEVICE) {
            p = walk.faultIpa;
        }
        // PAR_EL1 as QEMU builds it: bit 11 RES1, NS (bit 9) for a non-secure result, SH in 8:7, ATTR in 63:56
        if (p >= 0) {
            long mair = c.sys[iMair];
            long attr = (c.sctlr() & 1) == 0 ? 0 : (mair >>> (8 * walk.lastAttrIndex)) & 0xFF;
            c.sys[c.iPar] = (attr << 56) | (p & 0x0000_FFFF_FFFF_F000L) | 0x800 | 0x200
                    | ((long) walk.lastShareability << 7);
        } else {
            c.sys[c.iPar] = 0x800 | 1 | ((long) walk.faultStatus << 1);
        }
    }

    /** {@link #probe} result when stage 2 has no mapping yet for the stage-1 output (the hypervisor would map it). */
    public static final long PROBE_STAGE2_FAULT = Stage1Walk.STAGE2_EXIT;

    /** A complete walk for diagnostics (Mmu view): PA, or a negative code with {@link #probeFaultStatus()}. */
    public long probe(long va, int acc, boolean el0) {
        long p = walk.translate(va, acc, el0, false);
        return p == Stage1Walk.DEVICE ? walk.faultIpa : p;
    }

    public int probeFaultStatus() {
        return walk.faultStatus;
    }
}
