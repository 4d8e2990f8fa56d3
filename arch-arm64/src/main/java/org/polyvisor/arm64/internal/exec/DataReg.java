package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.M32;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;
import static org.polyvisor.arm64.internal.exec.DataImm.d;
import static org.polyvisor.arm64.internal.exec.DataImm.m;
import static org.polyvisor.arm64.internal.exec.DataImm.n;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.decode.Bits;

/**
 * Data processing (register): logical and add/sub with shifted or extended register, add/sub with carry,
 * conditional compare and select, variable shifts, and the one-source operations (RBIT, REV*, CLZ, CLS).
 */
public final class DataReg {
    private DataReg() {
    }

    static long shift(long v, int type, int amount, boolean sf) {
        if (sf) {
            return switch (type) {
                case 0 -> v << amount;
                case 1 -> v >>> amount;
                case 2 -> v >> amount;
                default -> Long.rotateRight(v, amount);
            };
        }
        int x = (int) v;
        return (switch (type) {
            case 0 -> x << amount;
            case 1 -> x >>> amount;
            case 2 -> x >> amount;
            default -> Integer.rotateRight(x, amount);
        }) & M32;
    }

    /** ExtendReg: UXTB..SXTX of the register, then the left shift. */
    static long extend(long v, int option, int shift) {
        long e = switch (option) {
            case 0 -> v & 0xFF;
            case 1 -> v & 0xFFFF;
            case 2 -> v & M32;
            case 4 -> (byte) v;
            case 5 -> (short) v;
            case 6 -> (int) v;
            default -> v;
        };
        return e << shift;
    }

    public static int logicReg(Cpu c, int w, int regs) {
        boolean sf = w < 0;
        int amount = Bits.f(w, 15, 10);
        // LSL #0 is the common case; the result is truncated to 32 bits below anyway
        long op2 = amount == 0 ? c.x[m(regs)] : shift(c.x[m(regs)], Bits.f(w, 23, 22), amount, sf);
        if (Bits.bit(w, 21)) {
            op2 = ~op2;
        }
        long s = c.x[n(regs)];
        int opc = Bits.f(w, 30, 29);
        long r = switch (opc) {
            case 0, 3 -> s & op2;
            case 1 -> s | op2;
            default -> s ^ op2;
        };
        if (!sf) {
            r &= M32;
        }
        if (opc == 3) {
            Flags.logic(c, r, sf);
        }
        c.x[d(regs)] = r;
        return NEXT;
    }

    public static int addSubShift(Cpu c, int w, int regs) {
        boolean sf = w < 0;
        int amount = Bits.f(w, 15, 10);
        long op2 = amount == 0 ? c.x[m(regs)] : shift(c.x[m(regs)], Bits.f(w, 23, 22), amount, sf);
        return addSub(c, w, regs, sf, op2);
    }

    public static int addSubExt(Cpu c, int w, int regs) {
        long op2 = extend(c.x[m(regs)], Bits.f(w, 15, 13), Bits.f(w, 12, 10));
        return addSub(c, w, regs, w < 0, op2);
    }

    private static int addSub(Cpu c, int w, int regs, boolean sf, long op2) {
        long a = c.x[n(regs)];
        boolean sub = Bits.bit(w, 30);
        long r;
        if (Bits.bit(w, 29)) {
            r = sub ? Flags.add(c, sf, a, ~op2, 1) : Flags.add(c, sf, a, op2, 0);
        } else {
            r = sub ? a - op2 : a + op2;
            if (!sf) {
                r &= M32;
            }
        }
        c.x[d(regs)] = r;
        return NEXT;
    }

    public static int adc(Cpu c, int w, int regs) {
        boolean sf = w < 0;
        long a = c.x[n(regs)];
        long b = c.x[m(regs)];
        if (Bits.bit(w, 30)) {
            b = ~b;
        }
        long carry = c.flagC() ? 1 : 0;
        long r;
        if (Bits.bit(w, 29)) {
            r = Flags.add(c, sf, a, b, carry);
        } else {
            r = a + b + carry;
            if (!sf) {
                r &= M32;
            }
        }
        c.x[d(regs)] = r;
        return NEXT;
    }

    /** CCMP/CCMN: compare if the condition holds, else set NZCV from the immediate. */
    public static int ccmp(Cpu c, int w, int regs, boolean immediate) {
        if (Flags.holds(c, Bits.f(w, 15, 12))) {
            long a = c.x[n(regs)];
            long b = immediate ? Bits.f(w, 20, 16) : c.x[m(regs)];
            if (Bits.bit(w, 30)) {
                Flags.add(c, w < 0, a, ~b, 1);
            } else {
                Flags.add(c, w < 0, a, b, 0);
            }
        } else {
            c.setNzcv(w & 0xF);
        }
        return NEXT;
    }

    public static int csel(Cpu c, int w, int regs) {
        long r;
        if (Flags.holds(c, Bits.f(w, 15, 12))) {
            r = c.x[n(regs)];
        } else {
            long b = c.x[m(regs)];
            int k = (Bits.bit(w, 30) ? 2 : 0) | (Bits.bit(w, 10) ? 1 : 0);
            r = switch (k) {
                case 0 -> b;
                case 1 -> b + 1;
                case 2 -> ~b;
                default -> -b;
            };
        }
        c.x[d(regs)] = w < 0 ? r : r & M32;
        return NEXT;
    }

    public static int shiftV(Cpu c, int w, int regs) {
        boolean sf = w < 0;
        int amount = (int) c.x[m(regs)] & (sf ? 63 : 31);
        c.x[d(regs)] = shift(c.x[n(regs)], Bits.f(w, 11, 10), amount, sf);
        return NEXT;
    }

    public static int dp1(Cpu c, int w, int regs) {
        boolean sf = w < 0;
        long v = c.x[n(regs)];
        long r;
        if (sf) {
            r = switch (Bits.f(w, 12, 10)) {
                case 0 -> Long.reverse(v);
                case 1 -> ((v & 0xFF00FF00FF00FF00L) >>> 8) | ((v & 0x00FF00FF00FF00FFL) << 8);
                case 2 -> Long.rotateRight(Long.reverseBytes(v), 32);
                case 3 -> Long.reverseBytes(v);
                case 4 -> Long.numberOfLeadingZeros(v);
                default -> Long.numberOfLeadingZeros((v ^ (v << 1)) >>> 1) - 1;
            };
        } else {
            int x = (int) v;
            r = (switch (Bits.f(w, 12, 10)) {
                case 0 -> Integer.reverse(x);
                case 1 -> ((x & 0xFF00FF00) >>> 8) | ((x & 0x00FF00FF) << 8);
                case 2 -> Integer.reverseBytes(x);
                case 4 -> Integer.numberOfLeadingZeros(x);
                default -> Integer.numberOfLeadingZeros((x ^ (x << 1)) >>> 1) - 1;
            }) & M32;
        }
        c.x[d(regs)] = r;
        return NEXT;
    }
}
