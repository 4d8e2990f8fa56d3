package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.JUMP;
import static org.polyvisor.arm64.internal.cpu.Cpu.M32;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;
import static org.polyvisor.arm64.internal.exec.DataImm.d;
import static org.polyvisor.arm64.internal.exec.DataImm.n;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.decode.Bits;

/**
 * Branches. A taken branch sets the PC and ends the block; a branch not taken falls through (it is always the last
 * instruction of its block, so the run loop continues at the next address).
 */
public final class Branches {
    private Branches() {
    }

    public static int b(Cpu c, long imm) {
        c.pc += imm;
        return JUMP;
    }

    public static int bl(Cpu c, long imm) {
        c.x[30] = c.pc + 4;
        c.pc += imm;
        return JUMP;
    }

    public static int bcond(Cpu c, int w, long imm) {
        if (Flags.holds(c, w & 0xF)) {
            c.pc += imm;
            return JUMP;
        }
        return NEXT;
    }

    public static int cbz(Cpu c, int w, int regs, long imm) {
        long v = c.x[d(regs)];
        if (w >= 0) {
            v &= M32;
        }
        if ((v == 0) != Bits.bit(w, 24)) {
            c.pc += imm;
            return JUMP;
        }
        return NEXT;
    }

    public static int tbz(Cpu c, int w, int regs, long imm) {
        int bit = (Bits.f(w, 31, 31) << 5) | Bits.f(w, 23, 19);
        boolean set = ((c.x[d(regs)] >>> bit) & 1) != 0;
        if (set == Bits.bit(w, 24)) {
            c.pc += imm;
            return JUMP;
        }
        return NEXT;
    }

    public static int br(Cpu c, int regs) {
        c.pc = c.x[n(regs)];
        return JUMP;
    }

    public static int blr(Cpu c, int regs) {
        long target = c.x[n(regs)];
        c.x[30] = c.pc + 4;
        c.pc = target;
        return JUMP;
    }
}
