package org.polyvisor.ppc.internal.cpu;

import static org.polyvisor.ppc.internal.cpu.SprNum.*;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The architected state of one e500mc core and the hardware's interrupt routing. Fields are public because the
 * instruction groups and the hypervisor are the CPU's own hot path; nothing outside this bundle sees them.
 *
 * <p>There is no host code: an interrupt the hardware directs to the hypervisor (MSR[GS]=0 side) stops the
 * interpreter with {@link #exitIvor} set and SRR0/SRR1/ESR/DEAR written as the hardware would, and the Java
 * hypervisor takes over from there, exactly where KVM's exit handler would start.
 *
 * <p>The memory path (TLB, software TLB, decoded pages) belongs to the executing core that extends this class: the
 * state knows nothing of it except that cached translations must be dropped when the context changes
 * ({@link #contextChanged}).
 */
public abstract class CpuState {
    public final int[] gpr = new int[32];
    public int pc;
    public int msr;
    public int cr;
    public int xer;
    public int lr;
    public int ctr;
    /** SPR storage by number; XER/LR/CTR and the time base live in their own fields. */
    public final int[] spr = new int[1024];

    public boolean reservation;
    public int reservationAddr;
    /** Set by {@code wait}: the vCPU sleeps until an interrupt is pending. */
    public boolean halted;
    /** Interrupt number that ended the current run (hypervisor-directed), -1 while running. */
    public int exitIvor = -1;
    /** Ends the current batch at the next instruction boundary (interrupt taken, MSR changed, wait, kick). */
    public boolean stop;
    public long retired;

    /** The time base, counted from the VM's guest time. */
    public final TimeBase timeBase;
    /** MMU architecture 2.0 (MMUCFG[MAVN] = 1); version 1 as on a real e500mc otherwise. */
    private final boolean mmuV2;

    /** @param guestNanos the VM's guest time in nanoseconds, which the time base counts from */
    protected CpuState(boolean mmuV2, LongSupplier guestNanos) {
        this.mmuV2 = mmuV2;
        this.timeBase = new TimeBase(guestNanos);
    }

    public final boolean mmuV2() {
        return mmuV2;
    }

    /** Power-on values of the registers; the subclass drops its cached translations. */
    public void reset() {
        Arrays.fill(gpr, 0);
        Arrays.fill(spr, 0);
        for (Spr s : SprTable.all()) {
            spr[s.num()] = s.reset();
        }
        if (mmuV2) {
            spr[MMUCFG] = 1;
        }
        pc = msr = cr = xer = lr = ctr = 0;
        reservation = false;
        halted = false;
        exitIvor = -1;
        contextChanged();
    }

    /**
     * Address of the instruction being executed (SRR0 for faults): the interpreter advances pc before executing,
     * and no instruction changes pc before it can fault, so this is pc - 4 whenever it is asked.
     */
    public int cia() {
        return pc - 4;
    }

    public boolean inGuest() {
        return (msr & Msr.GS) != 0;
    }

    /** Call after any change to MSR[GS,PR,IS,DS], PID or LPIDR: cached translations belong to one context. */
    public abstract void contextChanged();

    // ---- condition register helpers used by several instruction groups

    /** Sets CR field bf from a signed comparison result and XER[SO]. */
    public void setCrField(int bf, int c) {
        int sh = 28 - 4 * bf;
        cr = (cr & ~(0xF << sh)) | (c << sh);
    }

    public void setCr0(int result) {
        int c = result < 0 ? 8 : result > 0 ? 4 : 2;
        cr = (cr & 0x0FFF_FFFF) | ((c | (xer >>> 31)) << 28);
    }

    public void setOv(boolean ov) {
        xer = ov ? xer | XER_OV | XER_SO : xer & ~XER_OV;
    }

    public void setCa(boolean ca) {
        xer = ca ? xer | XER_CA : xer & ~XER_CA;
    }

    public int ca() {
        return (xer >>> 29) & 1;
    }

    // ---- interrupts

    public static final int SET_ESR = 1, SET_DEAR = 2;

    /**
     * Takes an interrupt as the hardware routes it. In guest state, the interrupts EPCR directs to the guest (and
     * the system call) vector through GIVPR/GIVORn with GSRR0/1, GESR and GDEAR; the guest sees its MSR without GS,
     * as it would on a machine of its own. Everything else goes to the hypervisor: SRR0/1, ESR and DEAR are
     * written, GS is cleared, and the run stops so that the Java hypervisor handles it.
     */
    public void raise(int ivor, int srr0, int esr, int dear, int flags) {
        if ((msr & Msr.GS) != 0 && directedToGuest(ivor)) {
            spr[GSRR0] = srr0;
            spr[GSRR1] = msr & ~Msr.GS;
            if ((flags & SET_ESR) != 0) {
                spr[GESR] = esr;
            }
            if ((flags & SET_DEAR) != 0) {
                spr[GDEAR] = dear;
            }
            msr = (msr & Msr.KEEP_ON_INTERRUPT) | Msr.GS;
            pc = (spr[GIVPR] & 0xFFFF_0000) | (spr[guestIvorSpr(ivor)] & 0xFFF0);
            contextChanged();
            stop = true; // control went elsewhere: a compiled block must not continue
            return;
        }
        spr[SRR0] = srr0;
        spr[SRR1] = msr;
        if ((flags & SET_ESR) != 0) {
            spr[ESR] = esr;
        }
        if ((flags & SET_DEAR) != 0) {
            spr[DEAR] = dear;
        }
        pc = srr0;
        exitIvor = ivor;
        stop = true;
    }

    private boolean directedToGuest(int ivor) {
        int epcr = spr[EPCR];
        return switch (ivor) {
            case Ivor.SYSCALL -> true;
            case Ivor.DATA_STORAGE -> (epcr & EPCR_DSIGS) != 0;
            case Ivor.INST_STORAGE -> (epcr & EPCR_ISIGS) != 0;
            case Ivor.EXTERNAL -> (epcr & EPCR_EXTGS) != 0;
            case Ivor.DTLB_MISS -> (epcr & EPCR_DTLBGS) != 0;
            case Ivor.ITLB_MISS -> (epcr & EPCR_ITLBGS) != 0;
            default -> false;
        };
    }

    private static int guestIvorSpr(int ivor) {
        return switch (ivor) {
            case Ivor.DATA_STORAGE -> GIVOR2;
            case Ivor.INST_STORAGE -> GIVOR3;
            case Ivor.EXTERNAL -> GIVOR4;
            case Ivor.SYSCALL -> GIVOR8;
            case Ivor.DTLB_MISS -> GIVOR13;
            default -> GIVOR14;
        };
    }

    /** Program interrupt for the current instruction. */
    public void program(int esr) {
        raise(Ivor.PROGRAM, cia(), esr, 0, SET_ESR);
    }

    /** Hypervisor privilege interrupt: the instruction is re-executed unless the hypervisor emulates it. */
    public void hvPriv() {
        raise(Ivor.HV_PRIV, cia(), 0, 0, 0);
    }

    /** True if the instruction needs supervisor state; raises the privileged-instruction program interrupt if not. */
    public boolean requireSupervisor() {
        if ((msr & Msr.PR) != 0) {
            program(Esr.PPR);
            return false;
        }
        return true;
    }
}
