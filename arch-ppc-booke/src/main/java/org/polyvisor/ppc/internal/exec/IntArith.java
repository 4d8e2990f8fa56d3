package org.polyvisor.ppc.internal.exec;

import org.polyvisor.ppc.internal.cpu.Esr;

/** Integer add/subtract family, compares and traps, with exact XER[CA, OV, SO] and CR0 behaviour. */
public final class IntArith {
    private IntArith() {
    }

    static int rt(int w) {
        return (w >>> 21) & 31;
    }

    static int ra(int w) {
        return (w >>> 16) & 31;
    }

    static int rb(int w) {
        return (w >>> 11) & 31;
    }

    /**
     * a + b + cin with carry-out into CA (when {@code setCa}), overflow into OV/SO (when OE), CR0 (when Rc): the
     * one adder behind every XO-form add/subtract (subtracts pass ~a).
     */
    private static void adder(Cpu c, int w, int a, int b, int cin, boolean setCa) {
        long sum = (a & 0xFFFF_FFFFL) + (b & 0xFFFF_FFFFL) + cin;
        int r = (int) sum;
        if (setCa) {
            c.setCa((sum >>> 32) != 0);
        }
        if ((w & 0x400) != 0) {
            c.setOv(((a ^ r) & (b ^ r)) < 0);
        }
        c.gpr[rt(w)] = r;
        if ((w & 1) != 0) {
            c.setCr0(r);
        }
    }

    public static void add(Cpu c, int w) {
        adder(c, w, c.gpr[ra(w)], c.gpr[rb(w)], 0, false);
    }

    public static void addc(Cpu c, int w) {
        adder(c, w, c.gpr[ra(w)], c.gpr[rb(w)], 0, true);
    }

    public static void adde(Cpu c, int w) {
        adder(c, w, c.gpr[ra(w)], c.gpr[rb(w)], c.ca(), true);
    }

    public static void addme(Cpu c, int w) {
        adder(c, w, c.gpr[ra(w)], -1, c.ca(), true);
    }

    public static void addze(Cpu c, int w) {
        adder(c, w, c.gpr[ra(w)], 0, c.ca(), true);
    }

    public static void subf(Cpu c, int w) {
        adder(c, w, ~c.gpr[ra(w)], c.gpr[rb(w)], 1, false);
    }

    public static void subfc(Cpu c, int w) {
        adder(c, w, ~c.gpr[ra(w)], c.gpr[rb(w)], 1, true);
    }

    public static void subfe(Cpu c, int w) {
        adder(c, w, ~c.gpr[ra(w)], c.gpr[rb(w)], c.ca(), true);
    }

    public static void subfme(Cpu c, int w) {
        adder(c, w, ~c.gpr[ra(w)], -1, c.ca(), true);
    }

    public static void subfze(Cpu c, int w) {
        adder(c, w, ~c.gpr[ra(w)], 0, c.ca(), true);
    }

    public static void neg(Cpu c, int w) {
        adder(c, w, ~c.gpr[ra(w)], 0, 1, false);
    }

    public static void addi(Cpu c, int w) {
        int ra = ra(w);
        c.gpr[rt(w)] = (ra == 0 ? 0 : c.gpr[ra]) + (short) w;
    }

    public static void addis(Cpu c, int w) {
        int ra = ra(w);
        c.gpr[rt(w)] = (ra == 0 ? 0 : c.gpr[ra]) + (w << 16);
    }

    public static void addic(Cpu c, int w, boolean record) {
        int a = c.gpr[ra(w)];
        long sum = (a & 0xFFFF_FFFFL) + ((short) w & 0xFFFF_FFFFL);
        int r = (int) sum;
        c.setCa((sum >>> 32) != 0);
        c.gpr[rt(w)] = r;
        if (record) {
            c.setCr0(r);
        }
    }

    public static void subfic(Cpu c, int w) {
        int a = c.gpr[ra(w)];
        long sum = (~a & 0xFFFF_FFFFL) + ((short) w & 0xFFFF_FFFFL) + 1;
        c.setCa((sum >>> 32) != 0);
        c.gpr[rt(w)] = (int) sum;
    }

    private static void compare(Cpu c, int w, boolean signed, int a, int b) {
        int r = signed ? Integer.compare(a, b) : Integer.compareUnsigned(a, b);
        int f = r < 0 ? 8 : r > 0 ? 4 : 2;
        c.setCrField((w >>> 23) & 7, f | (c.xer >>> 31));
    }

    public static void cmpi(Cpu c, int w) {
        compare(c, w, true, c.gpr[ra(w)], (short) w);
    }

    public static void cmpli(Cpu c, int w) {
        compare(c, w, false, c.gpr[ra(w)], w & 0xFFFF);
    }

    public static void cmp(Cpu c, int w) {
        compare(c, w, true, c.gpr[ra(w)], c.gpr[rb(w)]);
    }

    public static void cmpl(Cpu c, int w) {
        compare(c, w, false, c.gpr[ra(w)], c.gpr[rb(w)]);
    }

    private static void trap(Cpu c, int to, int a, int b) {
        boolean t = ((to & 16) != 0 && a < b) || ((to & 8) != 0 && a > b) || ((to & 4) != 0 && a == b)
                || ((to & 2) != 0 && Integer.compareUnsigned(a, b) < 0)
                || ((to & 1) != 0 && Integer.compareUnsigned(a, b) > 0);
        if (t) {
            c.program(Esr.PTR);
        }
    }

    public static void twi(Cpu c, int w) {
        trap(c, rt(w), c.gpr[ra(w)], (short) w);
    }

    public static void tw(Cpu c, int w) {
        trap(c, rt(w), c.gpr[ra(w)], c.gpr[rb(w)]);
    }
}
