package org.polyvisor.ppc.internal.exec;

import static org.polyvisor.ppc.internal.exec.IntArith.ra;
import static org.polyvisor.ppc.internal.exec.IntArith.rb;
import static org.polyvisor.ppc.internal.exec.IntArith.rt;

import org.polyvisor.ppc.internal.decode.Op;

/** Logical operations, sign extension, count leading zeros, shifts and rotates (RS in bits 6:10, RA the target). */
public final class Logic {
    private Logic() {
    }

    private static void toRa(Cpu c, int w, int r, boolean record) {
        c.gpr[ra(w)] = r;
        if (record) {
            c.setCr0(r);
        }
    }

    /** The immediate forms: ori, oris, xori, xoris, andi., andis. */
    public static void immediate(Cpu c, int w, int op) {
        int s = c.gpr[rt(w)];
        int ui = w & 0xFFFF;
        switch (op) {
            case Op.ORI -> toRa(c, w, s | ui, false);
            case Op.ORIS -> toRa(c, w, s | (ui << 16), false);
            case Op.XORI -> toRa(c, w, s ^ ui, false);
            case Op.XORIS -> toRa(c, w, s ^ (ui << 16), false);
            case Op.ANDI_ -> toRa(c, w, s & ui, true);
            default -> toRa(c, w, s & (ui << 16), true);
        }
    }

    /** The X-form register operations. */
    public static void register(Cpu c, int w, int op) {
        int s = c.gpr[rt(w)];
        int b = c.gpr[rb(w)];
        int r = switch (op) {
            case Op.AND -> s & b;
            case Op.ANDC -> s & ~b;
            case Op.OR -> s | b;
            case Op.ORC -> s | ~b;
            case Op.XOR -> s ^ b;
            case Op.NAND -> ~(s & b);
            case Op.NOR -> ~(s | b);
            case Op.EQV -> ~(s ^ b);
            case Op.EXTSB -> (byte) s;
            case Op.EXTSH -> (short) s;
            case Op.CNTLZW -> Integer.numberOfLeadingZeros(s);
            case Op.SLW -> (b & 0x20) != 0 ? 0 : s << (b & 31);
            default -> (b & 0x20) != 0 ? 0 : s >>> (b & 31); // SRW
        };
        toRa(c, w, r, (w & 1) != 0);
    }

    public static void or(Cpu c, int w) {
        toRa(c, w, c.gpr[rt(w)] | c.gpr[rb(w)], (w & 1) != 0);
    }

    public static void xor(Cpu c, int w) {
        toRa(c, w, c.gpr[rt(w)] ^ c.gpr[rb(w)], (w & 1) != 0);
    }

    public static void and(Cpu c, int w) {
        toRa(c, w, c.gpr[rt(w)] & c.gpr[rb(w)], (w & 1) != 0);
    }

    public static void ori(Cpu c, int w) {
        c.gpr[ra(w)] = c.gpr[rt(w)] | (w & 0xFFFF);
    }

    public static void sraw(Cpu c, int w) {
        shiftRightAlgebraic(c, w, c.gpr[rb(w)] & 0x3F);
    }

    public static void srawi(Cpu c, int w) {
        shiftRightAlgebraic(c, w, rb(w));
    }

    /** CA is set iff the source is negative and 1-bits are shifted out. */
    private static void shiftRightAlgebraic(Cpu c, int w, int n) {
        int s = c.gpr[rt(w)];
        int r;
        boolean ca;
        if (n > 31) {
            r = s >> 31;
            ca = s < 0;
        } else {
            r = s >> n;
            ca = s < 0 && n > 0 && (s & ((1 << n) - 1)) != 0;
        }
        c.setCa(ca);
        toRa(c, w, r, (w & 1) != 0);
    }

    /** MASK(mb, me) in ISA bit numbering; wraps when mb > me. */
    static int mask(int mb, int me) {
        int fromMb = -1 >>> mb;
        int toMe = -1 << (31 - me);
        return mb <= me ? fromMb & toMe : fromMb | toMe;
    }

    public static void rlwinm(Cpu c, int w) {
        int r = Integer.rotateLeft(c.gpr[rt(w)], rb(w)) & mask((w >>> 6) & 31, (w >>> 1) & 31);
        toRa(c, w, r, (w & 1) != 0);
    }

    public static void rlwnm(Cpu c, int w) {
        int r = Integer.rotateLeft(c.gpr[rt(w)], c.gpr[rb(w)] & 31) & mask((w >>> 6) & 31, (w >>> 1) & 31);
        toRa(c, w, r, (w & 1) != 0);
    }

    public static void rlwimi(Cpu c, int w) {
        int m = mask((w >>> 6) & 31, (w >>> 1) & 31);
        int r = (Integer.rotateLeft(c.gpr[rt(w)], rb(w)) & m) | (c.gpr[ra(w)] & ~m);
        toRa(c, w, r, (w & 1) != 0);
    }
}
