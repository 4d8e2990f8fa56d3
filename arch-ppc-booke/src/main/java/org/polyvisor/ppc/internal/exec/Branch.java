package org.polyvisor.ppc.internal.exec;

import org.polyvisor.ppc.internal.cpu.SprNum;
import org.polyvisor.ppc.internal.decode.Op;

/** Branches, condition-register logic, isel and the CR/XER moves. */
public final class Branch {
    private Branch() {
    }

    public static void b(Cpu c, int w) {
        int cia = c.cia();
        int li = (w << 6) >> 6 & ~3;
        if ((w & 1) != 0) {
            c.lr = cia + 4;
        }
        c.pc = ((w & 2) != 0 ? 0 : cia) + li;
    }

    /** Evaluates BO/BI (decrementing CTR when BO says so). */
    private static boolean taken(Cpu c, int w, boolean useCtr) {
        int bo = (w >>> 21) & 31;
        boolean ctrOk = true;
        if (useCtr && (bo & 4) == 0) {
            c.ctr--;
            ctrOk = (c.ctr != 0) != ((bo & 2) != 0);
        }
        boolean condOk = (bo & 16) != 0 || ((c.cr >>> (31 - ((w >>> 16) & 31))) & 1) == ((bo >>> 3) & 1);
        return ctrOk && condOk;
    }

    public static void bc(Cpu c, int w) {
        int cia = c.cia();
        boolean t = taken(c, w, true);
        if ((w & 1) != 0) {
            c.lr = cia + 4;
        }
        if (t) {
            c.pc = ((w & 2) != 0 ? 0 : cia) + (short) (w & 0xFFFC);
        }
    }

    public static void bclr(Cpu c, int w) {
        int target = c.lr & ~3;
        boolean t = taken(c, w, true);
        if ((w & 1) != 0) {
            c.lr = c.pc;
        }
        if (t) {
            c.pc = target;
        }
    }

    public static void bcctr(Cpu c, int w) {
        boolean t = taken(c, w, false);
        if ((w & 1) != 0) {
            c.lr = c.pc;
        }
        if (t) {
            c.pc = c.ctr & ~3;
        }
    }

    public static void crLogic(Cpu c, int w, int op) {
        int a = (c.cr >>> (31 - ((w >>> 16) & 31))) & 1;
        int b = (c.cr >>> (31 - ((w >>> 11) & 31))) & 1;
        int r = switch (op) {
            case Op.CRAND -> a & b;
            case Op.CROR -> a | b;
            case Op.CRXOR -> a ^ b;
            case Op.CRNAND -> ~(a & b);
            case Op.CRNOR -> ~(a | b);
            case Op.CREQV -> ~(a ^ b);
            case Op.CRANDC -> a & ~b;
            default -> a | ~b; // CRORC
        } & 1;
        int bit = 31 - ((w >>> 21) & 31);
        c.cr = (c.cr & ~(1 << bit)) | (r << bit);
    }

    public static void mcrf(Cpu c, int w) {
        c.setCrField((w >>> 23) & 7, (c.cr >>> (28 - 4 * ((w >>> 18) & 7))) & 0xF);
    }

    public static void isel(Cpu c, int w) {
        int ra = (w >>> 16) & 31;
        boolean bit = ((c.cr >>> (31 - ((w >>> 6) & 31))) & 1) != 0;
        c.gpr[(w >>> 21) & 31] = bit ? (ra == 0 ? 0 : c.gpr[ra]) : c.gpr[(w >>> 11) & 31];
    }

    /** mfocrf / mtocrf: the one-field form bit of mfcr / mtcrf (instruction bit 11, Power ISA 3.3.16). */
    private static final int ONE_FIELD_FORM = 0x0010_0000;

    /** mfcr, and mfocrf (bit 20) as QEMU does it: one field in place, anything else leaves RT unchanged. */
    public static void mfcr(Cpu c, int w) {
        int rt = (w >>> 21) & 31;
        if ((w & ONE_FIELD_FORM) == 0) {
            c.gpr[rt] = c.cr;
            return;
        }
        int crm = (w >>> 12) & 0xFF;
        if (crm != 0 && (crm & (crm - 1)) == 0) {
            c.gpr[rt] = c.cr & (0xF << (4 * Integer.numberOfTrailingZeros(crm)));
        }
    }

    /** mtcrf, and mtocrf (bit 20) as QEMU does it: only a single-field mask has an effect. */
    public static void mtcrf(Cpu c, int w) {
        int crm = (w >>> 12) & 0xFF;
        int rs = c.gpr[(w >>> 21) & 31];
        if ((w & ONE_FIELD_FORM) != 0 && (crm == 0 || (crm & (crm - 1)) != 0)) {
            return;
        }
        int mask = 0;
        for (int i = 0; i < 8; i++) {
            if ((crm & (0x80 >>> i)) != 0) {
                mask |= 0xF << (28 - 4 * i);
            }
        }
        c.cr = (c.cr & ~mask) | (rs & mask);
    }

    public static void mcrxr(Cpu c, int w) {
        c.setCrField((w >>> 23) & 7, (c.xer >>> 28) & 0xE);
        c.xer &= ~(SprNum.XER_SO | SprNum.XER_OV | SprNum.XER_CA);
    }
}
