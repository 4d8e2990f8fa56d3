package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.M32;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;
import static org.polyvisor.arm64.internal.exec.DataImm.a;
import static org.polyvisor.arm64.internal.exec.DataImm.d;
import static org.polyvisor.arm64.internal.exec.DataImm.m;
import static org.polyvisor.arm64.internal.exec.DataImm.n;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.decode.Bits;

/** Multiply (MADD/MSUB, long and high forms), divide (division by zero gives 0, as the architecture says) and CRC32. */
public final class MulDiv {
    private MulDiv() {
    }

    public static int madd(Cpu c, int w, int regs) {
        long p = c.x[n(regs)] * c.x[m(regs)];
        long r = Bits.bit(w, 15) ? c.x[a(regs)] - p : c.x[a(regs)] + p;
        c.x[d(regs)] = w < 0 ? r : r & M32;
        return NEXT;
    }

    public static int maddl(Cpu c, int w, int regs) {
        long x = c.x[n(regs)];
        long y = c.x[m(regs)];
        long p = Bits.bit(w, 23) ? (x & M32) * (y & M32) : (long) (int) x * (int) y;
        c.x[d(regs)] = Bits.bit(w, 15) ? c.x[a(regs)] - p : c.x[a(regs)] + p;
        return NEXT;
    }

    public static int mulh(Cpu c, int w, int regs) {
        long x = c.x[n(regs)];
        long y = c.x[m(regs)];
        c.x[d(regs)] = Bits.bit(w, 23) ? Math.unsignedMultiplyHigh(x, y) : Math.multiplyHigh(x, y);
        return NEXT;
    }

    public static int div(Cpu c, int w, int regs) {
        boolean signed = Bits.bit(w, 10);
        long x = c.x[n(regs)];
        long y = c.x[m(regs)];
        long r;
        if (w < 0) {
            r = y == 0 ? 0 : signed ? x / y : Long.divideUnsigned(x, y);
        } else {
            int a = (int) x;
            int b = (int) y;
            r = (b == 0 ? 0 : signed ? a / b : Integer.divideUnsigned(a, b)) & M32;
        }
        c.x[d(regs)] = r;
        return NEXT;
    }

    /** CRC32{B,H,W,X} and CRC32C*: reflected CRC without the pre/post inversion, LSB first. */
    public static int crc32(Cpu c, int w, int regs) {
        int poly = Bits.bit(w, 12) ? 0x82F63B78 : 0xEDB88320;
        int bits = 8 << Bits.f(w, 11, 10);
        int crc = (int) c.x[n(regs)];
        long data = c.x[m(regs)];
        for (int i = 0; i < bits; i += 8) {
            crc ^= (int) (data >>> i) & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ (poly & -(crc & 1));
            }
        }
        c.x[d(regs)] = crc & M32;
        return NEXT;
    }
}
