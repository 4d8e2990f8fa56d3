package org.polyvisor.arm64.internal.exec;

import org.polyvisor.arm64.internal.cpu.Cpu;

/**
 * NZCV (AddWithCarry) recorded lazily in the CPU, and condition evaluation (ConditionHolds) from it: the flags are
 * computed only when a condition or an MRS reads them.
 */
final class Flags {
    private Flags() {
    }

    static long add64(Cpu c, long a, long b, long carry) {
        long r = a + b + carry;
        c.fk = carry == 0 ? Cpu.FK_ADD64 : Cpu.FK_ADD64C;
        c.fa = a;
        c.fb = b;
        c.fr = r;
        return r;
    }

    static long add32(Cpu c, long a, long b, long carry) {
        long s = (a & Cpu.M32) + (b & Cpu.M32) + carry;
        c.fk = Cpu.FK_ADD32;
        c.fa = a;
        c.fb = b;
        c.fr = s;
        return s & Cpu.M32;
    }

    static long add(Cpu c, boolean sf, long a, long b, long carry) {
        return sf ? add64(c, a, b, carry) : add32(c, a, b, carry);
    }

    /** Flags of a logical operation (ANDS, BICS, TST): N and Z from the result, C and V cleared. */
    static void logic(Cpu c, long r, boolean sf) {
        c.fk = sf ? Cpu.FK_LOGIC64 : Cpu.FK_LOGIC32;
        c.fr = r;
    }

    static boolean holds(Cpu c, int cond) {
        boolean r = switch (cond >>> 1) {
            case 0 -> c.flagZ();
            case 1 -> c.flagC();
            case 2 -> c.flagN();
            case 3 -> c.flagV();
            case 4 -> c.flagC() && !c.flagZ();
            case 5 -> c.flagN() == c.flagV();
            case 6 -> c.flagN() == c.flagV() && !c.flagZ();
            default -> true;
        };
        return (cond & 1) != 0 && cond != 15 ? !r : r;
    }
}
