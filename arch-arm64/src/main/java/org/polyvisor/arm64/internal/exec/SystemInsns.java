package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.EXC;
import static org.polyvisor.arm64.internal.cpu.Cpu.JUMP;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;
import static org.polyvisor.arm64.internal.exec.DataImm.d;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.cpu.sysreg.Hcr;
import org.polyvisor.arm64.internal.cpu.sysreg.Sctlr;
import org.polyvisor.arm64.internal.decode.Bits;
import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegAccess;

/**
 * System instructions: MRS/MSR/SYS through the register descriptors (access check, then hook or storage), MSR
 * immediate (DAIFSet/DAIFClr/SPSel), hints, barriers, and the exception-generating instructions.
 */
public final class SystemInsns {
    private SystemInsns() {
    }

    /** ISS of an EC 0x18 trap: Op0, Op2, Op1, CRn, Rt, CRm, direction (1 = read). */
    public static int sysIss(int w) {
        int op0 = Bits.f(w, 20, 19);
        int op1 = Bits.f(w, 18, 16);
        int crn = Bits.f(w, 15, 12);
        int crm = Bits.f(w, 11, 8);
        int op2 = Bits.f(w, 7, 5);
        return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | ((w & 31) << 5) | (crm << 1)
                | (Bits.bit(w, 21) ? 1 : 0);
    }

    /** Applies a non-OK access-check outcome; returns the handler result. */
    private static int denied(Cpu c, int w, SysRegAccess a) {
        switch (a) {
            case TRAP_EL1 -> Exceptions.takeSync(c, Ec.SYS64, sysIss(w), 0, c.pc);
            case TRAP_EL2 -> Exceptions.toEl2(c, Ec.SYS64, sysIss(w), 0, 0, c.pc);
            default -> Exceptions.takeSync(c, Ec.UNKNOWN, 0, 0, c.pc);
        }
        return EXC;
    }

    public static int mrs(Core k, int w, int regs, long key) {
        Cpu c = k.cpu;
        int idx = c.regs.indexOfKey((int) key);
        if (idx < 0) {
            return Exceptions.undefined(c);
        }
        SysReg r = c.regs.get(idx);
        SysRegAccess a = c.regs.check(k, r, true);
        if (a != SysRegAccess.OK) {
            return denied(c, w, a);
        }
        c.x[d(regs)] = r.read() != null ? r.read().read(k) : c.sys[idx];
        return NEXT;
    }

    /** MSR (register) and SYS: both write the descriptor with the value of Rt. */
    public static int msr(Core k, int w, int regs, long key) {
        Cpu c = k.cpu;
        int idx = c.regs.indexOfKey((int) key);
        if (idx < 0) {
            return Exceptions.undefined(c);
        }
        SysReg r = c.regs.get(idx);
        SysRegAccess a = c.regs.check(k, r, false);
        if (a != SysRegAccess.OK) {
            return denied(c, w, a);
        }
        long v = c.x[d(regs)];
        if (r.write() != null) {
            r.write().write(k, v);
            if (c.fault) {
                return EXC;
            }
        } else {
            c.sys[idx] = v;
        }
        return NEXT;
    }

    public static int msrImm(Cpu c, int w) {
        int op1 = Bits.f(w, 18, 16);
        int op2 = Bits.f(w, 7, 5);
        int crm = Bits.f(w, 11, 8);
        if (op1 == 0) { // SPSel
            if (c.el == 0) {
                return Exceptions.undefined(c);
            }
            c.setElSp(c.el, (crm & 1) != 0);
            return NEXT;
        }
        if (c.el == 0 && (c.sctlr() & Sctlr.UMA) == 0) {
            Exceptions.takeSync(c, Ec.SYS64, sysIss(w), 0, c.pc);
            return EXC;
        }
        if (op2 == 6) {
            c.daif |= crm << 6;
        } else {
            c.daif &= ~(crm << 6);
        }
        return NEXT;
    }

    /** NOP, YIELD, WFE, WFI, SEV, SEVL and the unallocated hints (executed as NOP). WFx trap to EL2 (HCR TWI/TWE). */
    public static int hint(Cpu c, int w) {
        int hint = Bits.f(w, 11, 5);
        if (hint == 2 || hint == 3) {
            boolean wfe = hint == 2;
            long hcr = c.hcr();
            if (c.el == 0 && (c.sctlr() & (wfe ? Sctlr.NTWE : Sctlr.NTWI)) == 0) {
                Exceptions.takeSync(c, Ec.WFX, wfe ? 1 : 0, 0, c.pc);
                return EXC;
            }
            if ((hcr & (wfe ? Hcr.TWE : Hcr.TWI)) != 0) {
                Exceptions.toEl2(c, Ec.WFX, (1 << 24) | (0xE << 20) | (wfe ? 1 : 0), 0, 0, c.pc + 4); // CV=1, COND=AL
                return JUMP;
            }
        }
        return NEXT;
    }

    public static int svc(Cpu c, int w) {
        Exceptions.takeSync(c, Ec.SVC64, Bits.f(w, 20, 5), 0, c.pc + 4);
        return JUMP;
    }

    public static int hvc(Cpu c, int w) {
        if (c.el == 0 || (c.hcr() & Hcr.HCD) != 0) { // HCR_EL2.HCD disables HVC
            return Exceptions.undefined(c);
        }
        Exceptions.toEl2(c, Ec.HVC64, Bits.f(w, 20, 5), 0, 0, c.pc + 4);
        return JUMP;
    }

    /** SMC: trapped to EL2 by HCR_EL2.TSC (return address is the SMC itself); UNDEFINED otherwise (no EL3). */
    public static int smc(Cpu c, int w) {
        if (c.el == 1 && (c.hcr() & Hcr.TSC) != 0) {
            Exceptions.toEl2(c, Ec.SMC64, Bits.f(w, 20, 5), 0, 0, c.pc);
            return EXC;
        }
        return Exceptions.undefined(c);
    }

    public static int brk(Cpu c, int w) {
        Exceptions.takeSync(c, Ec.BRK64, Bits.f(w, 20, 5), 0, c.pc);
        return EXC;
    }

    /** SIMD/FP: trapped per CPACR_EL1.FPEN (EC 0x07); when enabled, UNDEFINED because the model has no FP unit. */
    public static int fp(Cpu c) {
        int fpen = (int) (c.sys[c.iCpacr] >>> 20) & 3;
        boolean trap = c.el == 0 ? fpen != 3 : (fpen == 0 || fpen == 2);
        if (trap) {
            Exceptions.takeSync(c, Ec.FP_ACCESS, (1 << 24) | (0xE << 20), 0, c.pc); // CV=1, COND=AL as QEMU reports
            return EXC;
        }
        return Exceptions.undefined(c);
    }
}
