package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.EXC;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;
import static org.polyvisor.arm64.internal.exec.DataImm.d;
import static org.polyvisor.arm64.internal.exec.DataImm.m;
import static org.polyvisor.arm64.internal.exec.DataImm.n;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.mmu.DataAccess;
import org.polyvisor.arm64.internal.decode.Bits;

/**
 * Specialised single-register loads (zero-extending) and stores, one small handler per addressing mode and size, so
 * that HotSpot inlines each into the interpreter loop with one TLB fast path. Semantics are those of
 * {@link LoadStore}; a faulting access leaves the registers untouched.
 */
public final class LoadStoreFast {
    private LoadStoreFast() {
    }

    private static long regOffset(Cpu c, DataAccess mem, int w, int regs, int size) {
        return DataReg.extend(c.x[m(regs)], Bits.f(w, 15, 13), Bits.bit(w, 12) ? size : 0);
    }

    public static int ldUimmB(Cpu c, DataAccess mem, int regs, long imm) {
        long v = mem.read8(c.x[n(regs)] + imm);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        return NEXT;
    }

    public static int stUimmB(Cpu c, DataAccess mem, int regs, long imm) {
        mem.write8(c.x[n(regs)] + imm, c.x[d(regs)]);
        return c.fault ? EXC : NEXT;
    }

    public static int ldWbB(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int rn = n(regs);
        long base = c.x[rn];
        long v = mem.read8((w & (1 << 11)) != 0 ? base + imm : base);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        c.x[rn] = base + imm;
        return NEXT;
    }

    public static int stWbB(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int rn = n(regs);
        long base = c.x[rn];
        mem.write8((w & (1 << 11)) != 0 ? base + imm : base, c.x[d(regs)]);
        if (c.fault) {
            return EXC;
        }
        c.x[rn] = base + imm;
        return NEXT;
    }

    public static int ldRegB(Cpu c, DataAccess mem, int w, int regs) {
        long v = mem.read8(c.x[n(regs)] + regOffset(c, mem, w, regs, 0));
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        return NEXT;
    }

    public static int stRegB(Cpu c, DataAccess mem, int w, int regs) {
        mem.write8(c.x[n(regs)] + regOffset(c, mem, w, regs, 0), c.x[d(regs)]);
        return c.fault ? EXC : NEXT;
    }

    public static int ldUimmH(Cpu c, DataAccess mem, int regs, long imm) {
        long v = mem.read16(c.x[n(regs)] + imm);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        return NEXT;
    }

    public static int stUimmH(Cpu c, DataAccess mem, int regs, long imm) {
        mem.write16(c.x[n(regs)] + imm, c.x[d(regs)]);
        return c.fault ? EXC : NEXT;
    }

    public static int ldWbH(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int rn = n(regs);
        long base = c.x[rn];
        long v = mem.read16((w & (1 << 11)) != 0 ? base + imm : base);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        c.x[rn] = base + imm;
        return NEXT;
    }

    public static int stWbH(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int rn = n(regs);
        long base = c.x[rn];
        mem.write16((w & (1 << 11)) != 0 ? base + imm : base, c.x[d(regs)]);
        if (c.fault) {
            return EXC;
        }
        c.x[rn] = base + imm;
        return NEXT;
    }

    public static int ldRegH(Cpu c, DataAccess mem, int w, int regs) {
        long v = mem.read16(c.x[n(regs)] + regOffset(c, mem, w, regs, 1));
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        return NEXT;
    }

    public static int stRegH(Cpu c, DataAccess mem, int w, int regs) {
        mem.write16(c.x[n(regs)] + regOffset(c, mem, w, regs, 1), c.x[d(regs)]);
        return c.fault ? EXC : NEXT;
    }

    public static int ldUimmW(Cpu c, DataAccess mem, int regs, long imm) {
        long v = mem.read32(c.x[n(regs)] + imm);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        return NEXT;
    }

    public static int stUimmW(Cpu c, DataAccess mem, int regs, long imm) {
        mem.write32(c.x[n(regs)] + imm, c.x[d(regs)]);
        return c.fault ? EXC : NEXT;
    }

    public static int ldWbW(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int rn = n(regs);
        long base = c.x[rn];
        long v = mem.read32((w & (1 << 11)) != 0 ? base + imm : base);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        c.x[rn] = base + imm;
        return NEXT;
    }

    public static int stWbW(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int rn = n(regs);
        long base = c.x[rn];
        mem.write32((w & (1 << 11)) != 0 ? base + imm : base, c.x[d(regs)]);
        if (c.fault) {
            return EXC;
        }
        c.x[rn] = base + imm;
        return NEXT;
    }

    public static int ldRegW(Cpu c, DataAccess mem, int w, int regs) {
        long v = mem.read32(c.x[n(regs)] + regOffset(c, mem, w, regs, 2));
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        return NEXT;
    }

    public static int stRegW(Cpu c, DataAccess mem, int w, int regs) {
        mem.write32(c.x[n(regs)] + regOffset(c, mem, w, regs, 2), c.x[d(regs)]);
        return c.fault ? EXC : NEXT;
    }

    public static int ldUimmX(Cpu c, DataAccess mem, int regs, long imm) {
        long v = mem.read64(c.x[n(regs)] + imm);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        return NEXT;
    }

    public static int stUimmX(Cpu c, DataAccess mem, int regs, long imm) {
        mem.write64(c.x[n(regs)] + imm, c.x[d(regs)]);
        return c.fault ? EXC : NEXT;
    }

    public static int ldWbX(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int rn = n(regs);
        long base = c.x[rn];
        long v = mem.read64((w & (1 << 11)) != 0 ? base + imm : base);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        c.x[rn] = base + imm;
        return NEXT;
    }

    public static int stWbX(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int rn = n(regs);
        long base = c.x[rn];
        mem.write64((w & (1 << 11)) != 0 ? base + imm : base, c.x[d(regs)]);
        if (c.fault) {
            return EXC;
        }
        c.x[rn] = base + imm;
        return NEXT;
    }

    public static int ldRegX(Cpu c, DataAccess mem, int w, int regs) {
        long v = mem.read64(c.x[n(regs)] + regOffset(c, mem, w, regs, 3));
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        return NEXT;
    }

    public static int stRegX(Cpu c, DataAccess mem, int w, int regs) {
        mem.write64(c.x[n(regs)] + regOffset(c, mem, w, regs, 3), c.x[d(regs)]);
        return c.fault ? EXC : NEXT;
    }
}
