package org.polyvisor.arm64.internal.mmu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
    /** Physical memory as this PE sees it after stage 2 (host physical addresses). */
    public final HostMemory memory;
    /** A stage 2 given as a translation callback, or null when this PE walks real stage-2 tables. */
    public final Stage2 stage2;
    /** The stage-2 table walker (used when {@link #stage2} is null). */
    final Stage2Walk s2walk;
    /** The PEs a broadcast TLBI reaches (null for a PE with a callback stage 2). */
    private final TlbDomain domain;
    /** Whether an IPA belongs to a device (the machine's MMIO map): such accesses trap to EL2 with a syndrome. */
    public final LongPredicate isDevice;
    /** TLB sets kept side by side, one per recently run VMID; {@link #set} is the current VMID's. */
    private final TlbSets own = new TlbSets();
    /** The TLB in use: {@link #own}, or a shared physical CPU's while the vCPU is loaded on it. */
    private TlbSets sets = own;
    private TlbSet set = sets.first();
    private TlbEntry[] tr;
    private TlbEntry[] tw;
    private TlbEntry[] tx;
    /** Bumped whenever cached translations become invalid; the block lookup cache compares it. */
    public int tlbGen;
    private long stage2Gen;
    final Stage1Walk walk;
    private final int iMair;
    private final int iVttbr;
    private final int iVtcr;
    /** Stage-2 rights of the last successful stage-2 translation (bounds what the TLB caches). */
    boolean s2r;
    boolean s2w;
    boolean s2x;
    /** Called when another PE posted an invalidation: the hypervisor makes the running guest leave soon. */
    private Runnable nudge = () -> { };
    /** Pages holding decoded code (the block cache): stores to them take the slow path and invalidate blocks. */
    private CodePages codePages = CodePages.NONE;

    /** A PE whose stage 2 is a translation callback, over the VM's own memory (host PA = what the callback returns). */
    public DataAccess(Cpu cpu, GuestMemory memory, Stage2 stage2, LongPredicate isDevice) {
        this(cpu, HostMemory.identity(memory), stage2, null, isDevice);
    }

    /** A PE of a host machine: it walks the stage-2 tables that VTTBR_EL2 and VTCR_EL2 point it at. */
    public DataAccess(Cpu cpu, HostMemory host, TlbDomain domain, LongPredicate isDevice) {
        this(cpu, host, null, domain, isDevice);
    }

    private DataAccess(Cpu cpu, HostMemory host, Stage2 stage2, TlbDomain domain, LongPredicate isDevice) {
        this.cpu = cpu;
        this.c = cpu;
        this.memory = host;
        this.stage2 = stage2;
        this.domain = domain;
        this.isDevice = isDevice;
        this.s2walk = new Stage2Walk(host);
        this.walk = new Stage1Walk(this);
        this.iMair = cpu.regs.index("MAIR_EL1");
        this.iVttbr = cpu.regs.index("VTTBR_EL2");
        this.iVtcr = cpu.regs.index("VTCR_EL2");
        cpu.attach(this);
        if (domain != null) {
            domain.join(this);
        }
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
        tr = set.r[i];
        tw = set.w[i];
        tx = set.x[i];
    }

    /** Drops the current VMID's cached translations (TLBI VMALLE1, TTBR/TCR/SCTLR writes, stage-2 changes). */
    public void flushTlb() {
        set.clear();
        tlbGen++;
        selectTlb();
    }

    /** Removes write permission for a physical page from every TLB entry (the page now holds decoded code). */
    public void protectCodePage(long ppn) {
        sets.protect(ppn);
    }

    /**
     * The hypervisor entered the guest (VTTBR_EL2 loaded): use the TLB set of its VMID, after applying what other
     * PEs invalidated meanwhile. One field compare when the VMID did not change and nothing is pending.
     */
    public void guestEntered() {
        sets.inGuest = true; // before looking at pending: a broadcast posted after this either is seen or waits for the exit
        if (sets.pending) {
            sets.applyPending();
            tlbGen++;
            selectTlb();
        }
        int vmid = (int) (c.sys[iVttbr] >>> Stage2Walk.VTTBR_VMID_SHIFT) & 0xFFFF;
        if (vmid != set.vmid) {
            set = sets.select(vmid);
            tlbGen++; // decoded-block lookups cached under the other VMID's translations are not ours
            selectTlb();
        }
    }

    /** The guest exited to the hypervisor: this PE uses none of its TLB entries until the next entry. */
    public void guestExited() {
        sets.inGuest = false;
    }

    /** The TLB this PE uses now (its own, or the shared physical CPU's it is loaded on). */
    TlbSets tlb() {
        return sets;
    }

    /** The TLB this PE was built with. */
    TlbSets ownTlb() {
        return own;
    }

    /**
     * vcpu_load onto a shared physical CPU: from now on this vCPU translates through that CPU's TLB, finding there
     * whatever its VMID left (and what other PEs invalidated meanwhile, applied at the next guest entry).
     *
     * @param vcpu identifies the vCPU for KVM's last_vcpu_ran check ({@link TlbSets#load})
     */
    public void useTlb(TlbSets tlb, int vmid, Object vcpu) {
        tlb.nudge = nudge;
        sets = tlb;
        set = tlb.load(vmid, vcpu);
        tlbGen++;
        selectTlb();
    }

    /** vcpu_put: the physical CPU's TLB stays behind; until the next load this vCPU has an empty TLB of its own. */
    public void releaseTlb() {
        if (sets == own) {
            return;
        }
        sets.inGuest = false;
        sets.nudge = () -> { };
        sets = own;
        own.clearAll(); // no broadcast reaches it while unused: nothing it held can be trusted
        set = own.select(set.vmid);
        tlbGen++;
        selectTlb();
    }

    /** TLBI VMALLS12E1 for one VMID on this PE alone. */
    void invalidateVmidLocal(int vmid) {
        sets.invalidate(vmid);
        tlbGen++;
        selectTlb();
    }

    /** What to do when another PE posts an invalidation (the hypervisor: make the running guest exit soon). */
    public void onRemoteInvalidate(Runnable r) {
        nudge = r;
        sets.nudge = r;
    }

    /**
     * TLBI VMALLS12E1IS (or IPAS2E1IS followed by VMALLE1IS, as KVM issues them) executed on this PE: every entry of
     * the VMID in VTTBR_EL2 now, on every PE of the domain. The VMID is read from VTTBR_EL2, so the hypervisor must
     * have loaded the VM's VTTBR (and VTCR) first: __tlb_switch_to_guest.
     */
    public void tlbiVmalls12e1is() {
        int vmid = (int) (c.sys[iVttbr] >>> Stage2Walk.VTTBR_VMID_SHIFT) & 0xFFFF;
        if (domain == null) {
            invalidateVmidLocal(vmid);
        } else {
            domain.invalidateVmid(this, vmid);
        }
    }

    /**
     * A guest's TLBI ...IS at EL1: its VMID's entries here at once and on every other PE of the domain before it next
     * runs guest code (the other vCPUs of the VM, wherever they run).
     */
    public void tlbiCurrentVmidInnerShareable() {
        if (domain == null) {
            flushTlb();
        } else {
            domain.invalidateVmid(this, set.vmid);
        }
    }

    /** The VMID whose TLB set is selected (tests, diagnostics). */
    public int currentTlbVmid() {
        return set.vmid;
    }

    void tlbInstall(long va, long paddr, boolean r, boolean w, boolean xx) {
        MemorySegment s = memory.chunk(paddr);
        if (s == null) {
            return;
        }
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        TlbEntry e = new TlbEntry(vpn, s, paddr & GuestMemory.CHUNK_MASK & ~0xFFFL, paddr & ~0xFFFL);
        tr[i] = r && s2r ? e : TlbEntry.NONE;
        tw[i] = w && s2w && !codePages.isCodePage(paddr >>> 12) ? e : TlbEntry.NONE;
        tx[i] = xx && s2x ? e : TlbEntry.NONE;
    }

    /** A store reached RAM at pa: blocks decoded from those bytes are stale. */
    void codeWritten(long pa, int size) {
        if (codePages.isCodePage(pa >>> 12)) {
            codePages.invalidateRange(pa, size);
        }
    }

    /** Drops cached translations when a callback stage 2 changed (checked each time the vCPU enters). */
    public void checkStage2Generation() {
        if (stage2 == null) {
            return;
        }
        long g = stage2.generation();
        if (g != stage2Gen) {
            stage2Gen = g;
            flushTlb();
        }
    }

    /**
     * Stage 2 for an access: the host physical address, or -1 with {@link Stage1Walk#faultStatus} and
     * {@link #s2Walked} saying what happened. Runs on a TLB miss only.
     */
    long stage2(long ipa, int acc) {
        if (stage2 != null) {
            s2Walked = false;
            long p = stage2.translate(ipa, acc == ACC_W, acc == ACC_X);
            s2r = s2w = s2x = true;
            return p == Stage2.FAULT || !memory.isRam(p) ? -1 : p;
        }
        s2Walked = true;
        long p = s2walk.translate(c.sys[iVttbr], c.sys[iVtcr], ipa, acc == ACC_W, acc == ACC_X, c.el == 0);
        if (p < 0) {
            s2Fsc = s2walk.faultStatus;
            return -1;
        }
        if (!memory.isRam(p)) {
            s2Fsc = Esr.DFSC_SEA; // the leaf points at no memory: synchronous external abort
            return -1;
        }
        long d = s2walk.leafDesc;
        s2r = (d & Stage2Walk.S2AP_R) != 0;
        s2w = (d & Stage2Walk.S2AP_W) != 0;
        s2x = (d & Stage2Walk.DESC_XN) == 0;
        return p;
    }

    /** Whether the last failed {@link #stage2} came from a table walk; then {@link #s2Fsc} is its fault status. */
    boolean s2Walked;
    int s2Fsc;

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
            DeviceAbort.take(this, va, walk.faultIpa, size, write, walk.faultStatus);
        } else if (code == Stage1Walk.STAGE2_EXIT) {
            // ISV=0: the handler is expected to fix the mapping and re-run the instruction, not to emulate it
            Exceptions.toEl2(c, Ec.DABT_LOW, (write && !walk.s1ptw ? Esr.ISS_WNR : 0)
                    | (walk.s1ptw ? Esr.ISS_S1PTW : 0) | walk.faultStatus, va, Esr.hpfar(walk.faultIpa), c.pc);
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
            Exceptions.toEl2(c, Ec.IABT_LOW, (walk.s1ptw ? Esr.ISS_S1PTW : 0) | walk.faultStatus, va,
                    Esr.hpfar(walk.faultIpa), va);
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

    /** AT S1E1R/W, S1E0R/W: stage-1 translation without faulting; the IPA goes to PAR_EL1 (ARM ARM C5.5, AT). */
    public void at(long va, boolean write, boolean el0) {
        long p = stage1Only(walk.translate(va, write ? ACC_W : ACC_R, el0 || c.el == 0, false));
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

    /** {@link #probePhysical} result when stage 2 has no mapping yet for the address (the hypervisor would map it). */
    public static final long PROBE_STAGE2_FAULT = Stage1Walk.STAGE2_EXIT;

    /** A walk for diagnostics (Mmu view): the IPA, or a negative code with {@link #probeFaultStatus()}. */
    public long probe(long va, int acc, boolean el0) {
        return stage1Only(walk.translate(va, acc, el0, false));
    }

    /**
     * A complete walk through both stages for a bus master that writes on the PE's behalf (a profiling unit): the
     * host physical address, {@link #PROBE_STAGE2_FAULT} when stage 2 has no mapping for it yet (the hypervisor maps
     * on fault) or another negative code with {@link #probeFaultStatus()}.
     */
    public long probePhysical(long va, int acc, boolean el0) {
        return walk.translate(va, acc, el0, false);
    }

    /** The stage-1 result of a walk: its IPA when stage 1 succeeded (whatever stage 2 then said), else the code. */
    private long stage1Only(long p) {
        if (p >= 0 || ((p == Stage1Walk.DEVICE || p == Stage1Walk.STAGE2_EXIT) && !walk.s1ptw)) {
            return walk.lastIpa;
        }
        return p;
    }

    public int probeFaultStatus() {
        return walk.faultStatus;
    }
}
