package org.polyvisor.ppc.internal.exec;

import static org.polyvisor.ppc.internal.cpu.SprNum.*;

import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.cpu.Spr;
import org.polyvisor.ppc.internal.cpu.SprTable;

/**
 * System instructions as the hardware executes them: MSR moves, interrupt returns, system calls, SPR moves with
 * the {@link SprTable} access rules (privilege, guest-state redirection, hypervisor privilege traps).
 */
public final class SystemOps {
    private SystemOps() {
    }

    /** MSR bits MSRP protects from a guest's mtmsr/rfi: UCLE, DE, PMM (when the matching MSRP bit is set). */
    private static int guestMsr(Cpu c, int requested) {
        int protect = c.spr[MSRP] & (Msr.UCLE | Msr.DE | Msr.PMM);
        return (requested & ~protect & ~Msr.GS) | (c.msr & protect) | Msr.GS;
    }

    private static void setMsr(Cpu c, int v) {
        v &= Msr.IMPLEMENTED;
        int old = c.msr;
        c.msr = v;
        if (((old ^ v) & Msr.CONTEXT) != 0) {
            c.contextChanged();
        }
        // an interrupt may have become deliverable: let the run loop look
        c.stop = true;
    }

    public static void sc(Cpu c, int w) {
        int lev = (w >>> 5) & 0x7F;
        if (lev == 1) {
            if ((c.msr & (Msr.PR | Msr.GS)) == (Msr.PR | Msr.GS)) {
                c.program(Esr.PPR);
                return;
            }
            c.raise(Ivor.HV_SYSCALL, c.pc, 0, 0, 0);
            return;
        }
        c.raise(Ivor.SYSCALL, c.pc, 0, 0, 0);
    }

    /** rfi; in guest state it returns through GSRR0/1 (it behaves as rfgi) and cannot leave guest state. */
    public static void rfi(Cpu c) {
        if (!c.requireSupervisor()) {
            return;
        }
        if (c.inGuest()) {
            c.pc = c.spr[GSRR0] & ~3;
            setMsr(c, guestMsr(c, c.spr[GSRR1]));
        } else {
            c.pc = c.spr[SRR0] & ~3;
            setMsr(c, c.spr[SRR1]);
        }
        c.reservation = false;
    }

    /** rfci / rfmci / rfgi: hypervisor-privileged in guest state (KVM emulates rfci with the guest's CSRR0/1). */
    public static void rfOther(Cpu c, int srr0, int srr1, boolean enterGuest) {
        if (!c.requireSupervisor()) {
            return;
        }
        if (c.inGuest()) {
            c.hvPriv();
            return;
        }
        c.pc = c.spr[srr0] & ~3;
        setMsr(c, enterGuest ? c.spr[srr1] | Msr.GS : c.spr[srr1]);
        c.reservation = false;
    }

    public static void mfmsr(Cpu c, int w) {
        if (c.requireSupervisor()) {
            // the guest sees the MSR of a machine of its own: without GS
            c.gpr[(w >>> 21) & 31] = c.msr & ~Msr.GS;
        }
    }

    public static void mtmsr(Cpu c, int w) {
        if (!c.requireSupervisor()) {
            return;
        }
        int v = c.gpr[(w >>> 21) & 31];
        setMsr(c, c.inGuest() ? guestMsr(c, v) : v);
    }

    public static void wrtee(Cpu c, int v) {
        if (c.requireSupervisor()) {
            setMsr(c, (c.msr & ~Msr.EE) | (v & Msr.EE));
        }
    }

    static int sprField(int w) {
        return ((w >>> 16) & 31) | ((w >>> 6) & 0x3E0);
    }

    /** Access check: false if an interrupt was raised (undefined, privileged, hypervisor privilege). */
    private static Spr check(Cpu c, int n) {
        Spr s = SprTable.get(n);
        if (s == null) {
            c.program(Esr.PIL);
            return null;
        }
        if (s.level() != Spr.Level.USER && (c.msr & Msr.PR) != 0) {
            c.program(Esr.PPR);
            return null;
        }
        if (c.inGuest() && (s.level() == Spr.Level.HYPERVISOR || s.guest() == Spr.Guest.TRAP)) {
            c.hvPriv();
            return null;
        }
        return s;
    }

    public static void mfspr(Cpu c, int w) {
        Spr s = check(c, sprField(w));
        if (s != null) {
            c.gpr[(w >>> 21) & 31] = read(c, s);
        }
    }

    /** Reads an SPR whose access has been checked. */
    public static int read(Cpu c, Spr s) {
        int n = s.num();
        return switch (n) {
            case XER -> c.xer;
            case LR -> c.lr;
            case CTR -> c.ctr;
            case TBL_R -> (int) c.timeBase.now();
            case TBU_R -> (int) (c.timeBase.now() >>> 32);
            case SPRG3R -> c.spr[c.inGuest() ? GSPRG3 : SPRG3];
            default -> {
                if (s.guest() == Spr.Guest.REDIRECT) {
                    yield c.spr[c.inGuest() ? s.redirect() : n];
                }
                yield c.spr[s.redirect()];
            }
        };
    }

    public static void mtspr(Cpu c, int w) {
        Spr s = check(c, sprField(w));
        if (s != null) {
            write(c, s, c.gpr[(w >>> 21) & 31]);
        }
    }

    /** Writes an SPR whose access has been checked (read-only ones ignore the write, as on the e500mc). */
    public static void write(Cpu c, Spr s, int v) {
        int n = s.num();
        if (s.readOnly()) {
            return;
        }
        switch (n) {
            case XER -> c.xer = v & ~(XER_OV32 | XER_CA32); // QEMU keeps every bit but these (ISA 3.0, absent here)
            case LR -> c.lr = v;
            case CTR -> c.ctr = v;
            case PID, LPIDR -> {
                c.spr[n] = v;
                c.contextChanged();
            }
            case TSR -> c.spr[TSR] &= ~v;
            case TBL_W -> c.timeBase.set((c.timeBase.now() & 0xFFFF_FFFF_0000_0000L) | (v & 0xFFFF_FFFFL));
            case TBU_W -> c.timeBase.set((c.timeBase.now() & 0xFFFF_FFFFL) | ((long) v << 32));
            case MMUCSR0 -> c.tlbOps.flashInvalidate(c.tlb, v, i -> true);
            default -> c.spr[c.inGuest() && s.guest() == Spr.Guest.REDIRECT ? s.redirect() : n] = v;
        }
    }

    public static void mftb(Cpu c, int w) {
        int n = sprField(w);
        int rt = (w >>> 21) & 31;
        if (n == TBL_R) {
            c.gpr[rt] = (int) c.timeBase.now();
        } else if (n == TBU_R) {
            c.gpr[rt] = (int) (c.timeBase.now() >>> 32);
        } else {
            c.program(Esr.PIL);
        }
    }

    /** msgsnd / msgclr / dcbi: supervisor; the doorbell ones are hypervisor-privileged in guest state. */
    public static void privilegedNop(Cpu c, boolean hypervisorInGuest) {
        if (c.requireSupervisor() && hypervisorInGuest && c.inGuest()) {
            c.hvPriv();
        }
    }

    public static void waitInsn(Cpu c) {
        c.halted = true;
        c.stop = true;
    }
}
