package org.polyvisor.ppc.internal.exec;

import static org.polyvisor.ppc.internal.exec.IntArith.ra;
import static org.polyvisor.ppc.internal.exec.IntArith.rb;
import static org.polyvisor.ppc.internal.exec.IntArith.rt;


/**
 * Multiply and divide. The undefined results of a division by zero or of 0x80000000 / -1 are those of QEMU
 * (the dividend, because QEMU divides by 1 instead), so that guests compare equal.
 */
public final class MulDiv {
    private MulDiv() {
    }

    private static void finish(Cpu c, int w, int r) {
        c.gpr[rt(w)] = r;
        if ((w & 1) != 0) {
            c.setCr0(r);
        }
    }

    public static void mulli(Cpu c, int w) {
        c.gpr[rt(w)] = c.gpr[ra(w)] * (short) w;
    }

    public static void mullw(Cpu c, int w) {
        long p = (long) c.gpr[ra(w)] * c.gpr[rb(w)];
        if ((w & 0x400) != 0) {
            c.setOv(p != (int) p);
        }
        finish(c, w, (int) p);
    }

    public static void mulhw(Cpu c, int w) {
        finish(c, w, (int) (((long) c.gpr[ra(w)] * c.gpr[rb(w)]) >> 32));
    }

    public static void mulhwu(Cpu c, int w) {
        finish(c, w, (int) (((c.gpr[ra(w)] & 0xFFFF_FFFFL) * (c.gpr[rb(w)] & 0xFFFF_FFFFL)) >>> 32));
    }

    public static void divw(Cpu c, int w) {
        int a = c.gpr[ra(w)];
        int b = c.gpr[rb(w)];
        boolean bad = b == 0 || (a == Integer.MIN_VALUE && b == -1);
        if ((w & 0x400) != 0) {
            c.setOv(bad);
        }
        finish(c, w, bad ? a : a / b);
    }

    public static void divwu(Cpu c, int w) {
        int a = c.gpr[ra(w)];
        int b = c.gpr[rb(w)];
        boolean bad = b == 0;
        if ((w & 0x400) != 0) {
            c.setOv(bad);
        }
        finish(c, w, bad ? a : Integer.divideUnsigned(a, b));
    }
}
