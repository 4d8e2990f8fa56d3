package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.M32;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.decode.Bits;
import org.polyvisor.arm64.internal.decode.Encoding;

/** Data processing (immediate): PC-relative addressing, add/sub, logical, move wide, bitfield, extract. */
public final class DataImm {
    private DataImm() {
    }

    static int d(int regs) {
        return regs & 0x3F;
    }

    static int n(int regs) {
        return (regs >>> 6) & 0x3F;
    }

    static int m(int regs) {
        return (regs >>> 12) & 0x3F;
    }

    static int a(int regs) {
        return (regs >>> 18) & 0x3F;
    }

    public static int adr(Cpu c, int regs, long imm) {
        c.x[d(regs)] = c.pc + imm;
        return NEXT;
    }

    public static int adrp(Cpu c, int regs, long imm) {
        c.x[d(regs)] = (c.pc & ~0xFFFL) + imm;
        return NEXT;
    }

    public static int addImm(Cpu c, int w, int regs, long imm) {
        long r = c.x[n(regs)] + imm;
        c.x[d(regs)] = w < 0 ? r : r & M32;
        return NEXT;
    }

    public static int subImm(Cpu c, int w, int regs, long imm) {
        long r = c.x[n(regs)] - imm;
        c.x[d(regs)] = w < 0 ? r : r & M32;
        return NEXT;
    }

    public static int addsImm(Cpu c, int w, int regs, long imm) {
        c.x[d(regs)] = Flags.add(c, w < 0, c.x[n(regs)], imm, 0);
        return NEXT;
    }

    public static int subsImm(Cpu c, int w, int regs, long imm) {
        c.x[d(regs)] = Flags.add(c, w < 0, c.x[n(regs)], ~imm, 1);
        return NEXT;
    }

    public static int logicImm(Cpu c, int w, int regs, long imm) {
        long s = c.x[n(regs)];
        long r = switch (Bits.f(w, 30, 29)) {
            case 0, 3 -> s & imm;
            case 1 -> s | imm;
            default -> s ^ imm;
        };
        boolean sf = w < 0;
        if (!sf) {
            r &= M32;
        }
        if (Bits.f(w, 30, 29) == 3) {
            Flags.logic(c, r, sf);
        }
        c.x[d(regs)] = r;
        return NEXT;
    }

    public static int movn(Cpu c, int w, int regs, long imm) {
        c.x[d(regs)] = w < 0 ? ~imm : ~imm & M32;
        return NEXT;
    }

    public static int movz(Cpu c, int regs, long imm) {
        c.x[d(regs)] = imm;
        return NEXT;
    }

    public static int movk(Cpu c, int w, int regs, long imm) {
        int rd = d(regs);
        long old = rd == Encoding.SINK ? 0 : c.x[rd];
        int pos = 16 * Bits.f(w, 22, 21);
        long r = (old & ~(0xFFFFL << pos)) | imm;
        c.x[rd] = w < 0 ? r : r & M32;
        return NEXT;
    }

    private static long ones(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    /** SBFM/BFM/UBFM, written as the extract (imms >= immr) and insert (imms < immr) cases they reduce to. */
    public static int bitfield(Cpu c, int w, int regs, int kind) {
        boolean sf = w < 0;
        int size = sf ? 64 : 32;
        int immr = Bits.f(w, 21, 16);
        int imms = Bits.f(w, 15, 10);
        int rd = d(regs);
        long src = c.x[n(regs)];
        if (!sf) {
            src &= M32;
        }
        long r;
        if (imms >= immr) {
            int width = imms - immr + 1;
            long field = (src >>> immr) & ones(width);
            r = switch (kind) {
                case 0 -> Bits.sext(field, width);
                case 1 -> {
                    long old = rd == Encoding.SINK ? 0 : c.x[rd];
                    yield (old & ~ones(width)) | field;
                }
                default -> field;
            };
        } else {
            int width = imms + 1;
            int lsb = size - immr;
            long field = src & ones(width);
            r = switch (kind) {
                case 0 -> Bits.sext(field, width) << lsb;
                case 1 -> {
                    long old = rd == Encoding.SINK ? 0 : c.x[rd];
                    yield (old & ~(ones(width) << lsb)) | (field << lsb);
                }
                default -> field << lsb;
            };
        }
        c.x[rd] = sf ? r : r & M32;
        return NEXT;
    }

    public static int extr(Cpu c, int w, int regs) {
        int lsb = Bits.f(w, 15, 10);
        long hi = c.x[n(regs)];
        long lo = c.x[m(regs)];
        long r;
        if (w < 0) {
            r = lsb == 0 ? lo : (lo >>> lsb) | (hi << (64 - lsb));
        } else {
            long cat = (hi << 32) | (lo & M32);
            r = (cat >>> lsb) & M32;
        }
        c.x[d(regs)] = r;
        return NEXT;
    }
}
