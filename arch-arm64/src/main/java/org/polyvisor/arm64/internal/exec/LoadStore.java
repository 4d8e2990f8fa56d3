package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.EXC;
import static org.polyvisor.arm64.internal.cpu.Cpu.M32;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;
import static org.polyvisor.arm64.internal.exec.DataImm.a;
import static org.polyvisor.arm64.internal.exec.DataImm.d;
import static org.polyvisor.arm64.internal.exec.DataImm.m;
import static org.polyvisor.arm64.internal.exec.DataImm.n;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.mmu.DataAccess;
import org.polyvisor.arm64.internal.mmu.ExclusiveStore;
import org.polyvisor.arm64.internal.decode.Bits;

/**
 * Loads and stores: single registers in every addressing mode, literal loads, pairs, exclusives and
 * acquire/release. A faulting access has already taken its exception (to EL1, or to EL2) when the memory helper
 * returns; the handler then returns {@link Cpu#EXC} without touching registers, so the instruction is restartable.
 */
public final class LoadStore {
    private LoadStore() {
    }

    /**
     * One access: opc 0 store, 1 load zero-extended, 2 load sign-extended to 64, 3 sign-extended to 32 bits. Loads
     * and stores are separate small methods so that HotSpot inlines them into the interpreter loop.
     */
    private static int access(Cpu c, DataAccess mem, long addr, int size, int opc, int rt, boolean unpriv) {
        if (unpriv) {
            return accessUnpriv(c, mem, addr, size, opc, rt);
        }
        return opc == 0 ? store(c, mem, addr, size, c.x[rt]) : load(c, mem, addr, (size << 2) | opc, rt);
    }

    private static int store(Cpu c, DataAccess mem, long addr, int size, long v) {
        switch (size) {
            case 0 -> mem.write8(addr, v);
            case 1 -> mem.write16(addr, v);
            case 2 -> mem.write32(addr, v);
            default -> mem.write64(addr, v);
        }
        return c.fault ? EXC : NEXT;
    }

    /** kind = size:opc with opc != 0. */
    private static int load(Cpu c, DataAccess mem, long addr, int kind, int rt) {
        long v = switch (kind) {
            case 1 -> mem.read8(addr);
            case 5 -> mem.read16(addr);
            case 9 -> mem.read32(addr);
            case 13 -> mem.read64(addr);
            case 2 -> (byte) mem.read8(addr);
            case 3 -> (byte) mem.read8(addr) & M32;
            case 6 -> (short) mem.read16(addr);
            case 7 -> (short) mem.read16(addr) & M32;
            default -> (int) mem.read32(addr); // 10: LDRSW
        };
        if (c.fault) {
            return EXC;
        }
        c.x[rt] = v;
        return NEXT;
    }

    private static int accessUnpriv(Cpu c, DataAccess mem, long addr, int size, int opc, int rt) {
        int bytes = 1 << size;
        if (opc == 0) {
            mem.writeUnpriv(addr, bytes, c.x[rt]);
            return c.fault ? EXC : NEXT;
        }
        long v = mem.readUnpriv(addr, bytes);
        if (c.fault) {
            return EXC;
        }
        if (opc >= 2 && size < 3) {
            v = Bits.sext(v, 8 << size);
            if (opc == 3) {
                v &= M32;
            }
        }
        c.x[rt] = v;
        return NEXT;
    }

    public static int uimm(Cpu c, DataAccess mem, int w, int regs, long imm) {
        return access(c, mem, c.x[n(regs)] + imm, w >>> 30, Bits.f(w, 23, 22), d(regs), false);
    }

    /** Unscaled (LDUR/STUR) and unprivileged (LDTR/STTR) forms. */
    public static int imm9(Cpu c, DataAccess mem, int w, int regs, long imm) {
        boolean unpriv = Bits.f(w, 11, 10) == 2;
        return access(c, mem, c.x[n(regs)] + imm, w >>> 30, Bits.f(w, 23, 22), d(regs), unpriv);
    }

    /** Pre-index (bits 11:10 = 11) and post-index (01) forms with base writeback. */
    public static int imm9Writeback(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int rn = n(regs);
        long base = c.x[rn];
        boolean pre = Bits.bit(w, 11);
        long addr = pre ? base + imm : base;
        int r = access(c, mem, addr, w >>> 30, Bits.f(w, 23, 22), d(regs), false);
        if (r == NEXT) {
            c.x[rn] = base + imm;
        }
        return r;
    }

    public static int reg(Cpu c, DataAccess mem, int w, int regs) {
        int size = w >>> 30;
        long offset = DataReg.extend(c.x[m(regs)], Bits.f(w, 15, 13), Bits.bit(w, 12) ? size : 0);
        return access(c, mem, c.x[n(regs)] + offset, size, Bits.f(w, 23, 22), d(regs), false);
    }

    public static int literal(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int opc = w >>> 30;
        long addr = c.pc + imm;
        long v = opc == 1 ? mem.read64(addr) : mem.read32(addr);
        if (c.fault) {
            return EXC;
        }
        if (opc == 2) {
            v = (int) v;
        }
        c.x[d(regs)] = v;
        return NEXT;
    }

    /** STP/LDP/LDPSW/STNP/LDNP in offset, pre- and post-index forms. */
    public static int pair(Cpu c, DataAccess mem, int w, int regs, long imm) {
        int opc = w >>> 30;
        int bytes = opc == 2 ? 8 : 4;
        int index = Bits.f(w, 25, 23);
        int rn = n(regs);
        long base = c.x[rn];
        long addr = index == 1 ? base : base + imm;
        if (Bits.bit(w, 22)) {
            long v1 = mem.read(addr, bytes);
            if (c.fault) {
                return EXC;
            }
            long v2 = mem.read(addr + bytes, bytes);
            if (c.fault) {
                return EXC;
            }
            if (opc == 1) {
                v1 = (int) v1;
                v2 = (int) v2;
            }
            c.x[d(regs)] = v1;
            c.x[a(regs)] = v2;
        } else {
            long v1 = c.x[d(regs)];
            long v2 = c.x[a(regs)];
            mem.write(addr, bytes, v1);
            if (c.fault) {
                return EXC;
            }
            mem.write(addr + bytes, bytes, v2);
            if (c.fault) {
                return EXC;
            }
        }
        if (index == 1 || index == 3) {
            c.x[rn] = base + imm;
        }
        return NEXT;
    }

    public static int ldx(Cpu c, DataAccess mem, int w, int regs) {
        int bytes = 1 << (w >>> 30);
        long addr = c.x[n(regs)];
        long v = mem.read(addr, bytes);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v;
        c.exclAddr = addr;
        c.exclSize = bytes;
        c.exclVal = v;
        return NEXT;
    }

    public static int stx(Cpu c, DataAccess mem, int w, int regs) {
        int bytes = 1 << (w >>> 30);
        long addr = c.x[n(regs)];
        int status = 1;
        if (c.exclAddr == addr && c.exclSize == bytes) {
            boolean stored = ExclusiveStore.store(mem, addr, bytes, c.exclVal, c.x[d(regs)]);
            if (c.fault) {
                return EXC;
            }
            status = stored ? 0 : 1;
        }
        c.exclAddr = -1;
        c.x[m(regs)] = status;
        return NEXT;
    }

    public static int ldxp(Cpu c, DataAccess mem, int w, int regs) {
        int bytes = Bits.bit(w, 30) ? 8 : 4;
        long addr = c.x[n(regs)];
        long v1 = mem.read(addr, bytes);
        if (c.fault) {
            return EXC;
        }
        long v2 = mem.read(addr + bytes, bytes);
        if (c.fault) {
            return EXC;
        }
        c.x[d(regs)] = v1;
        c.x[a(regs)] = v2;
        c.exclAddr = addr;
        c.exclSize = bytes * 2;
        return NEXT;
    }

    public static int stxp(Cpu c, DataAccess mem, int w, int regs) {
        int bytes = Bits.bit(w, 30) ? 8 : 4;
        long addr = c.x[n(regs)];
        int status = 1;
        if (c.exclAddr == addr && c.exclSize == bytes * 2) {
            mem.write(addr, bytes, c.x[d(regs)]);
            if (c.fault) {
                return EXC;
            }
            mem.write(addr + bytes, bytes, c.x[a(regs)]);
            if (c.fault) {
                return EXC;
            }
            status = 0;
        }
        c.exclAddr = -1;
        c.x[m(regs)] = status;
        return NEXT;
    }

    public static int ldar(Cpu c, DataAccess mem, int w, int regs) {
        return access(c, mem, c.x[n(regs)], w >>> 30, 1, d(regs), false);
    }

    public static int stlr(Cpu c, DataAccess mem, int w, int regs) {
        return access(c, mem, c.x[n(regs)], w >>> 30, 0, d(regs), false);
    }
}
