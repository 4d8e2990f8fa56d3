package org.polyvisor.arm64.internal.exec;

import org.polyvisor.arm64.internal.cpu.Cpu;

/** NZCV computation (AddWithCarry) and condition evaluation (ConditionHolds), exactly as the ARM ARM defines them. */
final class Flags {
    private Flags() {
    }

    static long add64(Cpu c, long a, long b, long carry) {
        long r = a + b + carry;
        c.n = r < 0;
        c.z = r == 0;
        c.c = carry == 0 ? Long.compareUnsigned(r, a) < 0 : Long.compareUnsigned(r, a) <= 0;
        c.v = ((a ^ r) & (b ^ r)) < 0;
        return r;
    }

    static long add32(Cpu c, long a, long b, long carry) {
        long s = (a & Cpu.M32) + (b & Cpu.M32) + carry;
        int r = (int) s;
        c.n = r < 0;
        c.z = r == 0;
        c.c = (s >>> 32) != 0;
        c.v = (((int) a ^ r) & ((int) b ^ r)) < 0;
        return r & Cpu.M32;
    }

    static long add(Cpu c, boolean sf, long a, long b, long carry) {
        return sf ? add64(c, a, b, carry) : add32(c, a, b, carry);
    }

    /** Flags of a logical operation (ANDS, BICS, TST): N and Z from the result, C and V cleared. */
    static void logic(Cpu c, long r, boolean sf) {
        c.n = sf ? r < 0 : (int) r < 0;
        c.z = r == 0;
        c.c = false;
        c.v = false;
    }

    static boolean holds(Cpu c, int cond) {
        boolean r = switch (cond >>> 1) {
            case 0 -> c.z;
            case 1 -> c.c;
            case 2 -> c.n;
            case 3 -> c.v;
            case 4 -> c.c && !c.z;
            case 5 -> c.n == c.v;
            case 6 -> c.n == c.v && !c.z;
            default -> true;
        };
        return (cond & 1) != 0 && cond != 15 ? !r : r;
    }
}
