package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.M32;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;
import static org.polyvisor.arm64.internal.exec.DataImm.d;
import static org.polyvisor.arm64.internal.exec.DataImm.m;
import static org.polyvisor.arm64.internal.exec.DataImm.n;

import org.polyvisor.arm64.internal.cpu.Cpu;

/**
 * Specialised data-processing handlers chosen by the Specializer: logical immediates by opcode, and logical and
 * add/sub register forms without a shift. Same semantics as {@link DataImm} and {@link DataReg}, without the field
 * extraction and opcode switches.
 */
public final class DataFast {
    private DataFast() {
    }

    private static void put(Cpu c, int w, int regs, long r) {
        c.x[d(regs)] = w < 0 ? r : r & M32;
    }

    public static int andI(Cpu c, int w, int regs, long imm) {
        c.x[d(regs)] = c.x[n(regs)] & imm; // the 32-bit mask has no upper bits
        return NEXT;
    }

    public static int orrI(Cpu c, int w, int regs, long imm) {
        put(c, w, regs, c.x[n(regs)] | imm);
        return NEXT;
    }

    public static int eorI(Cpu c, int w, int regs, long imm) {
        put(c, w, regs, c.x[n(regs)] ^ imm);
        return NEXT;
    }

    public static int andsI(Cpu c, int w, int regs, long imm) {
        long r = c.x[n(regs)] & imm;
        Flags.logic(c, r, w < 0);
        c.x[d(regs)] = r;
        return NEXT;
    }

    public static int andRR(Cpu c, int w, int regs) {
        put(c, w, regs, c.x[n(regs)] & c.x[m(regs)]);
        return NEXT;
    }

    public static int orrRR(Cpu c, int w, int regs) {
        put(c, w, regs, c.x[n(regs)] | c.x[m(regs)]);
        return NEXT;
    }

    public static int eorRR(Cpu c, int w, int regs) {
        put(c, w, regs, c.x[n(regs)] ^ c.x[m(regs)]);
        return NEXT;
    }

    public static int andsRR(Cpu c, int w, int regs) {
        long r = c.x[n(regs)] & c.x[m(regs)];
        if (w >= 0) {
            r &= M32;
        }
        Flags.logic(c, r, w < 0);
        c.x[d(regs)] = r;
        return NEXT;
    }

    public static int addRR(Cpu c, int w, int regs) {
        put(c, w, regs, c.x[n(regs)] + c.x[m(regs)]);
        return NEXT;
    }

    public static int subRR(Cpu c, int w, int regs) {
        put(c, w, regs, c.x[n(regs)] - c.x[m(regs)]);
        return NEXT;
    }

    public static int addsRR(Cpu c, int w, int regs) {
        c.x[d(regs)] = Flags.add(c, w < 0, c.x[n(regs)], c.x[m(regs)], 0);
        return NEXT;
    }

    public static int subsRR(Cpu c, int w, int regs) {
        c.x[d(regs)] = Flags.add(c, w < 0, c.x[n(regs)], ~c.x[m(regs)], 1);
        return NEXT;
    }
}
