package org.polyvisor.arm64.internal.cpu;

import java.util.Arrays;

import org.polyvisor.arm64.internal.cpu.sysreg.SysRegFile;
import org.polyvisor.arm64.internal.decode.Encoding;

/**
 * Architectural state of one AArch64 PE running at EL0/EL1 under a modelled EL2: general-purpose registers, PSTATE
 * (with lazy NZCV), banked stack pointers, the local exclusive monitor, the system-register storage and the
 * counter. The software TLB and the loads/stores through it are {@code mmu.DataAccess}. Hot fields are public and
 * plain (the vCPU thread is the only one touching them) so that the instruction handlers in {@code exec} stay small.
 */
public final class Cpu {
    /** Handler results: continue with the next instruction, end the block (retired), end it (not retired). */
    public static final int NEXT = 0;
    public static final int JUMP = 1;
    public static final int EXC = 2;

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
    public int daif = DAIF_MASK;
    public static final int DAIF_MASK = 0x3C0;
    /** PSTATE.I: IRQs masked. */
    public static final int DAIF_I = 0x80;
    /** SPSR.SS and SPSR.IL (ARM ARM, "SPSR_EL1"). */
    public static final long SPSR_SS = 1L << 21;
    public static final long SPSR_IL = 1L << 20;
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

    /** The translation hardware of this PE (mmu.DataAccess), told about EL changes and resets. */
    private TlbControl tlb = TlbControl.NONE;

    /** Set by a load/store slow path when the access raised an exception; cleared by the run loop. */
    public boolean fault;
    /** Why the PE stopped running guest instructions ({@link Halt}); the run loop reads and clears it. */
    public int halt = Halt.NONE;

    public long retired;
    /** Loads/stores that missed the TLB fast path (statistics). */
    public long slowAccesses;
    /** The system counter CNTPCT counts from: the machine's, shared by all its PEs. */
    public final SystemCounter counter;

    public Cpu(SysRegFile regs, SystemCounter counter) {
        this.regs = regs;
        this.counter = counter;
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
        Arrays.fill(x, 0);
        pc = 0;
        fk = FK_NZCV;
        fnzcv = 0;
        el = 1;
        spSel = true;
        spEl0 = spEl1 = 0;
        daif = DAIF_MASK;
        ss = il = false;
        exclAddr = -1;
        regs.reset(sys);
        tlb.flushAll();
    }

    /** Connects the translation hardware (once, when the PE is assembled). */
    public void attach(TlbControl control) {
        tlb = control;
        control.flushAll();
    }

    // ---------------------------------------------------------------- PSTATE and stack pointers

    /** PSTATE in SPSR format. */
    public long pstate() {
        return ((long) nzcv() << 28) | (ss ? SPSR_SS : 0) | (il ? SPSR_IL : 0) | daif | ((long) el << 2) | (spSel ? 1 : 0);
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
            tlb.elChanged(newEl);
        }
    }

    /** Sets the whole PSTATE from an SPSR value (no legality checks; see {@link Exceptions#eret}). */
    public void setPstate(long spsr) {
        setNzcv((int) (spsr >>> 28) & 0xF);
        ss = (spsr & SPSR_SS) != 0;
        il = (spsr & SPSR_IL) != 0;
        daif = (int) spsr & DAIF_MASK;
        setElSp((int) (spsr >>> 2) & 3, (spsr & 1) != 0);
    }

    public long hcr() {
        return sys[iHcr];
    }

    public long sctlr() {
        return sys[iSctlr];
    }

    // ---------------------------------------------------------------- counters

    /** CNTPCT: 62.5 MHz (QEMU virt's GTIMER_SCALE of 16 ns per tick) of the system counter's time. */
    public long physicalCount() {
        return counter.nanos() >>> VirtualTimer.NANOS_PER_TICK_SHIFT;
    }

    public long virtualCount() {
        return physicalCount() - sys[iCntvoff];
    }

    /** Mask for results of 32-bit operations. */
    public static final long M32 = 0xFFFF_FFFFL;
}
