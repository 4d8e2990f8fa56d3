package org.polyvisor.ppc.internal.mmu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.cpu.CpuState;
import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.cpu.SprNum;

/**
 * Guest loads, stores and instruction fetches through a software TLB: three direct-mapped caches (read, write,
 * execute) of 4 KiB translations to the backing memory chunk, filled from the physical TLB on a miss and dropped
 * whenever the TLB or the translation context changes. A hit costs a tag compare and one segment access, so
 * translation stays off the per-instruction path.
 *
 * <p>Faults never throw: loads return {@link #FAULT} (values are zero-extended into a long, so -1 is free), stores
 * return false, and the interrupt has already been raised on the CPU.
 */
public final class DataAccess {
    public static final long FAULT = -1L;
    public static final int READ = 0, WRITE = 1, EXEC = 2;

    public static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private static final int BITS = 10;
    private static final int SIZE = 1 << BITS;
    private static final int MASK = SIZE - 1;

    private final CpuState cpu;
    private final TlbArray tlb;
    private final GuestMemory memory;
    private final CodeWatch code;
    private final int[] rTag = new int[SIZE], wTag = new int[SIZE], xTag = new int[SIZE];
    private final MemorySegment[] rSeg = new MemorySegment[SIZE], wSeg = new MemorySegment[SIZE],
            xSeg = new MemorySegment[SIZE];
    private final long[] rOff = new long[SIZE], wOff = new long[SIZE], xOff = new long[SIZE];

    /** Real address of the last slow-path translation. */
    private long slowRa;

    /** Result of the last slow-path translation. */
    private MemorySegment slowSeg;
    private long slowOff;

    public DataAccess(CpuState cpu, TlbArray tlb, GuestMemory memory, CodeWatch code) {
        this.cpu = cpu;
        this.tlb = tlb;
        this.memory = memory;
        this.code = code;
        flush();
    }

    public GuestMemory memory() {
        return memory;
    }

    /** Drops every cached translation (decoded code stays: it is keyed by real address). */
    public void flush() {
        Arrays.fill(rTag, -1);
        Arrays.fill(wTag, -1);
        Arrays.fill(xTag, -1);
    }

    // ---- fast paths

    public long load32(int ea) {
        int tag = ea >>> 12;
        int i = tag & MASK;
        if (rTag[i] == tag && (ea & 0xFFF) <= 0xFFC) {
            return rSeg[i].get(BE_INT, rOff[i] + (ea & 0xFFF)) & 0xFFFF_FFFFL;
        }
        return loadSlow(ea, 4);
    }

    public long load16(int ea) {
        int tag = ea >>> 12;
        int i = tag & MASK;
        if (rTag[i] == tag && (ea & 0xFFF) <= 0xFFE) {
            return rSeg[i].get(BE_SHORT, rOff[i] + (ea & 0xFFF)) & 0xFFFFL;
        }
        return loadSlow(ea, 2);
    }

    public long load8(int ea) {
        int tag = ea >>> 12;
        int i = tag & MASK;
        if (rTag[i] == tag) {
            return rSeg[i].get(BYTE, rOff[i] + (ea & 0xFFF)) & 0xFFL;
        }
        return loadSlow(ea, 1);
    }

    public boolean store32(int ea, int v) {
        int tag = ea >>> 12;
        int i = tag & MASK;
        if (wTag[i] == tag && (ea & 0xFFF) <= 0xFFC) {
            wSeg[i].set(BE_INT, wOff[i] + (ea & 0xFFF), v);
            return true;
        }
        return storeSlow(ea, v, 4);
    }

    public boolean store16(int ea, int v) {
        int tag = ea >>> 12;
        int i = tag & MASK;
        if (wTag[i] == tag && (ea & 0xFFF) <= 0xFFE) {
            wSeg[i].set(BE_SHORT, wOff[i] + (ea & 0xFFF), (short) v);
            return true;
        }
        return storeSlow(ea, v, 2);
    }

    public boolean store8(int ea, int v) {
        int tag = ea >>> 12;
        int i = tag & MASK;
        if (wTag[i] == tag) {
            wSeg[i].set(BYTE, wOff[i] + (ea & 0xFFF), (byte) v);
            return true;
        }
        return storeSlow(ea, v, 1);
    }

    /**
     * Translates an instruction fetch at pc; on success the page's real address, segment and offset are
     * {@link #lastRealAddress}, {@link #lastSegment}, {@link #lastOffset}. On failure ITLB / ISI / machine check is
     * raised.
     */
    public boolean translateFetch(int pc) {
        return translate(pc, EXEC);
    }

    public long lastRealAddress() {
        return slowRa;
    }

    public MemorySegment lastSegment() {
        return slowSeg;
    }

    public long lastOffset() {
        return slowOff;
    }

    /** A page became code: its stores must take the slow path from now on. */
    public void dropWriteEntries(MemorySegment seg, long pageOff) {
        for (int i = 0; i < SIZE; i++) {
            if (wTag[i] != -1 && wSeg[i] == seg && wOff[i] == pageOff) {
                wTag[i] = -1;
            }
        }
    }

    /** A store that bypassed the software TLB (external PID) reached real address ra. */
    public void noteExternalWrite(long ra, int size) {
        if (code.contains(ra) && code.stored(ra, size, memory.chunk(ra), ra & GuestMemory.CHUNK_MASK)) {
            cpu.stop = true;
        }
    }

    // ---- slow paths

    private long loadSlow(int ea, int size) {
        if ((ea & 0xFFF) > 0x1000 - size) {
            long v = 0;
            for (int k = 0; k < size; k++) {
                long b = load8(ea + k);
                if (b < 0) {
                    return FAULT;
                }
                v = (v << 8) | b;
            }
            return v;
        }
        if (!translate(ea, READ)) {
            return FAULT;
        }
        return switch (size) {
            case 4 -> slowSeg.get(BE_INT, slowOff) & 0xFFFF_FFFFL;
            case 2 -> slowSeg.get(BE_SHORT, slowOff) & 0xFFFFL;
            default -> slowSeg.get(BYTE, slowOff) & 0xFFL;
        };
    }

    private boolean storeSlow(int ea, int v, int size) {
        if ((ea & 0xFFF) > 0x1000 - size) {
            // probe every byte first so that a fault leaves memory untouched
            for (int k = 0; k < size; k++) {
                if (!translate(ea + k, WRITE)) {
                    return false;
                }
            }
            for (int k = 0; k < size; k++) {
                store8(ea + k, v >>> (8 * (size - 1 - k)));
            }
            return true;
        }
        if (!translate(ea, WRITE)) {
            return false;
        }
        switch (size) {
            case 4 -> slowSeg.set(BE_INT, slowOff, v);
            case 2 -> slowSeg.set(BE_SHORT, slowOff, (short) v);
            default -> slowSeg.set(BYTE, slowOff, (byte) v);
        }
        if (code.stored(slowRa, size, slowSeg, slowOff)) {
            cpu.stop = true; // the running block may be one that changed: leave it
        }
        return true;
    }

    /** Permission bit a page needs for an access in supervisor or user state. */
    public static int permission(int access, boolean user) {
        return switch (access) {
            case READ -> user ? Mas.MAS3_UR : Mas.MAS3_SR;
            case WRITE -> user ? Mas.MAS3_UW : Mas.MAS3_SW;
            default -> user ? Mas.MAS3_UX : Mas.MAS3_SX;
        };
    }

    /**
     * Translates in the current context, fills the software TLB, and leaves the segment and offset in
     * slowSeg/slowOff. On failure raises the interrupt the hardware would (TLB miss, storage, machine check).
     */
    private boolean translate(int ea, int access) {
        int msr = cpu.msr;
        boolean gs = (msr & Msr.GS) != 0;
        int as = (msr & (access == EXEC ? Msr.IS : Msr.DS)) != 0 ? 1 : 0;
        int idx = tlb.lookup(ea, as, cpu.spr[SprNum.PID], true, gs, cpu.spr[SprNum.LPIDR] & Mas.MAS8_TLPID);
        int esr = access == WRITE ? Esr.ST : 0;
        if (idx < 0) {
            if (access == EXEC) {
                cpu.raise(Ivor.ITLB_MISS, ea, 0, 0, 0);
            } else {
                cpu.raise(Ivor.DTLB_MISS, cpu.cia(), esr, ea, CpuState.SET_ESR | CpuState.SET_DEAR);
            }
            return false;
        }
        if ((tlb.mas3[idx] & permission(access, (msr & Msr.PR) != 0)) == 0) {
            if (access == EXEC) {
                cpu.raise(Ivor.INST_STORAGE, ea, 0, 0, CpuState.SET_ESR);
            } else {
                cpu.raise(Ivor.DATA_STORAGE, cpu.cia(), esr, ea, CpuState.SET_ESR | CpuState.SET_DEAR);
            }
            return false;
        }
        long ra = tlb.realAddress(idx, ea);
        MemorySegment seg = memory.chunk(ra);
        if (seg == null) {
            // No device is reachable through a CPU-side mapping: the hypervisor only installs shadow entries
            // for RAM, so this is a host-state access to nothing (machine check, like a bus error).
            cpu.raise(Ivor.MACHINE_CHECK, access == EXEC ? ea : cpu.cia(), 0, ea, CpuState.SET_DEAR);
            return false;
        }
        long off = ra & GuestMemory.CHUNK_MASK;
        slowSeg = seg;
        slowOff = off;
        slowRa = ra;
        int tag = ea >>> 12;
        int i = tag & MASK;
        long pageOff = off & ~0xFFFL;
        switch (access) {
            case READ -> {
                rTag[i] = tag;
                rSeg[i] = seg;
                rOff[i] = pageOff;
            }
            case WRITE -> {
                if (code.contains(ra)) {
                    return true; // code page: no fast-path writes, so the decoded copy stays coherent
                }
                wTag[i] = tag;
                wSeg[i] = seg;
                wOff[i] = pageOff;
            }
            default -> {
                xTag[i] = tag;
                xSeg[i] = seg;
                xOff[i] = pageOff;
            }
        }
        return true;
    }

    /**
     * External PID translation (lwepx/stwepx and KVM's old last-instruction path): the context comes from
     * EPLC/EPSC instead of MSR and PID. Returns the real address, or a negative fault code: -1 TLB miss,
     * -2 no permission.
     */
    public long translateExternal(int ea, int access, int epc) {
        boolean gs = (epc & SprNum.EPC_EGS) != 0;
        int lpid = (epc & SprNum.EPC_ELPID) >>> 16;
        int as = (epc & SprNum.EPC_EAS) != 0 ? 1 : 0;
        boolean user = (epc & SprNum.EPC_EPR) != 0;
        int idx = tlb.lookup(ea, as, epc & SprNum.EPC_EPID, true, gs, lpid);
        if (idx < 0) {
            return -1;
        }
        if ((tlb.mas3[idx] & permission(access, user)) == 0) {
            return -2;
        }
        return tlb.realAddress(idx, ea);
    }
}
