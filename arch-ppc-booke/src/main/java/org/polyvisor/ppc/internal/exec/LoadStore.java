package org.polyvisor.ppc.internal.exec;

import static org.polyvisor.ppc.internal.exec.IntArith.ra;
import static org.polyvisor.ppc.internal.exec.IntArith.rb;
import static org.polyvisor.ppc.internal.exec.IntArith.rt;

import java.nio.ByteOrder;

import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.cpu.SprNum;
import org.polyvisor.ppc.internal.decode.Op;
import org.polyvisor.ppc.internal.mmu.DataAccess;

/**
 * Loads and stores: D and X forms, update forms, byte-reversed, multiple, reservation pair, external PID and dcbz.
 * A faulting access leaves every register unchanged (the interrupt has been raised by {@link DataAccess}).
 * Invalid update forms (RA = 0, or RA = RT for loads) are illegal instructions, as QEMU treats them.
 */
public final class LoadStore {
    private LoadStore() {
    }

    /** e500mc data cache block size (dcbz). */
    public static final int CACHE_LINE = 64;

    private static int eaD(Cpu c, int w) {
        int ra = ra(w);
        return (ra == 0 ? 0 : c.gpr[ra]) + (short) w;
    }

    private static int eaX(Cpu c, int w) {
        int ra = ra(w);
        return (ra == 0 ? 0 : c.gpr[ra]) + c.gpr[rb(w)];
    }

    /** Size in bytes, sign extension and byte reversal of a load/store operation (also used by MMIO emulation). */
    public static int size(int op) {
        return switch (op) {
            case Op.LWZ, Op.LWZU, Op.LWZX, Op.LWZUX, Op.STW, Op.STWU, Op.STWX, Op.STWUX, Op.LWBRX, Op.STWBRX,
                 Op.LWARX, Op.STWCX_, Op.LWEPX, Op.STWEPX -> 4;
            case Op.LHZ, Op.LHZU, Op.LHZX, Op.LHZUX, Op.LHA, Op.LHAU, Op.LHAX, Op.LHAUX, Op.STH, Op.STHU, Op.STHX,
                 Op.STHUX, Op.LHBRX, Op.STHBRX -> 2;
            case Op.LBZ, Op.LBZU, Op.LBZX, Op.LBZUX, Op.STB, Op.STBU, Op.STBX, Op.STBUX, Op.LBEPX, Op.STBEPX -> 1;
            default -> 0;
        };
    }

    public static boolean isStore(int op) {
        return switch (op) {
            case Op.STW, Op.STWU, Op.STWX, Op.STWUX, Op.STH, Op.STHU, Op.STHX, Op.STHUX, Op.STB, Op.STBU, Op.STBX,
                 Op.STBUX, Op.STWBRX, Op.STHBRX, Op.STWCX_, Op.STWEPX, Op.STBEPX -> true;
            default -> false;
        };
    }

    public static boolean isUpdate(int op) {
        return switch (op) {
            case Op.LWZU, Op.LWZUX, Op.LHZU, Op.LHZUX, Op.LHAU, Op.LHAUX, Op.LBZU, Op.LBZUX, Op.STWU, Op.STWUX,
                 Op.STHU, Op.STHUX, Op.STBU, Op.STBUX -> true;
            default -> false;
        };
    }

    public static boolean isXForm(int op) {
        return switch (op) {
            case Op.LWZX, Op.LWZUX, Op.LHZX, Op.LHZUX, Op.LHAX, Op.LHAUX, Op.LBZX, Op.LBZUX, Op.STWX, Op.STWUX,
                 Op.STHX, Op.STHUX, Op.STBX, Op.STBUX, Op.LWBRX, Op.STWBRX, Op.LHBRX, Op.STHBRX, Op.LWARX,
                 Op.STWCX_, Op.LWEPX, Op.STWEPX, Op.LBEPX, Op.STBEPX -> true;
            default -> false;
        };
    }

    public static boolean isSigned(int op) {
        return op == Op.LHA || op == Op.LHAU || op == Op.LHAX || op == Op.LHAUX;
    }

    public static boolean isByteReversed(int op) {
        return op == Op.LWBRX || op == Op.STWBRX || op == Op.LHBRX || op == Op.STHBRX;
    }

    /** Effective address of a load/store instruction (also used by the hypervisor's MMIO emulation). */
    public static int effectiveAddress(Cpu c, int w, int op) {
        return isXForm(op) ? eaX(c, w) : eaD(c, w);
    }

    /** Plain and update loads and stores, D and X forms, including byte-reversed ones. */
    public static void access(Cpu c, int w, int op) {
        boolean update = isUpdate(op);
        int ra = ra(w);
        boolean store = isStore(op);
        if (update && (ra == 0 || (!store && ra == rt(w)))) {
            c.program(Esr.PIL);
            return;
        }
        int ea = isXForm(op) ? eaX(c, w) : eaD(c, w);
        DataAccess m = c.mem;
        int size = size(op);
        if (store) {
            int v = c.gpr[rt(w)];
            boolean ok = switch (op) {
                case Op.STWBRX -> m.store32(ea, Integer.reverseBytes(v));
                case Op.STHBRX -> m.store16(ea, Integer.reverseBytes(v) >>> 16);
                default -> size == 4 ? m.store32(ea, v) : size == 2 ? m.store16(ea, v) : m.store8(ea, v);
            };
            if (ok && update) {
                c.gpr[ra] = ea;
            }
            return;
        }
        long v = size == 4 ? m.load32(ea) : size == 2 ? m.load16(ea) : m.load8(ea);
        if (v < 0) {
            return;
        }
        int r = (int) v;
        if (op == Op.LWBRX) {
            r = Integer.reverseBytes(r);
        } else if (op == Op.LHBRX) {
            r = Integer.reverseBytes(r) >>> 16;
        } else if (isSigned(op)) {
            r = (short) r;
        }
        c.gpr[rt(w)] = r;
        if (update) {
            c.gpr[ra] = ea;
        }
    }

    /** The fast common cases, kept apart so that the interpreter's hottest paths stay small. */
    public static void lwz(Cpu c, int w) {
        long v = c.mem.load32(eaD(c, w));
        if (v >= 0) {
            c.gpr[rt(w)] = (int) v;
        }
    }

    public static void lbz(Cpu c, int w) {
        long v = c.mem.load8(eaD(c, w));
        if (v >= 0) {
            c.gpr[rt(w)] = (int) v;
        }
    }

    public static void stw(Cpu c, int w) {
        c.mem.store32(eaD(c, w), c.gpr[rt(w)]);
    }

    // ---- common forms as straight-line code (the interpreter's hot loads and stores)

    public static void lbzu(Cpu c, int w) {
        int ra = ra(w);
        if (ra == 0 || ra == rt(w)) {
            c.program(Esr.PIL);
            return;
        }
        int ea = c.gpr[ra] + (short) w;
        long v = c.mem.load8(ea);
        if (v >= 0) {
            c.gpr[rt(w)] = (int) v;
            c.gpr[ra] = ea;
        }
    }

    public static void lwzu(Cpu c, int w) {
        int ra = ra(w);
        if (ra == 0 || ra == rt(w)) {
            c.program(Esr.PIL);
            return;
        }
        int ea = c.gpr[ra] + (short) w;
        long v = c.mem.load32(ea);
        if (v >= 0) {
            c.gpr[rt(w)] = (int) v;
            c.gpr[ra] = ea;
        }
    }

    public static void lhz(Cpu c, int w) {
        long v = c.mem.load16(eaD(c, w));
        if (v >= 0) {
            c.gpr[rt(w)] = (int) v;
        }
    }

    public static void lwzx(Cpu c, int w) {
        long v = c.mem.load32(eaX(c, w));
        if (v >= 0) {
            c.gpr[rt(w)] = (int) v;
        }
    }

    public static void lbzx(Cpu c, int w) {
        long v = c.mem.load8(eaX(c, w));
        if (v >= 0) {
            c.gpr[rt(w)] = (int) v;
        }
    }

    public static void stb(Cpu c, int w) {
        c.mem.store8(eaD(c, w), c.gpr[rt(w)]);
    }

    public static void sth(Cpu c, int w) {
        c.mem.store16(eaD(c, w), c.gpr[rt(w)]);
    }

    public static void stwu(Cpu c, int w) {
        int ra = ra(w);
        if (ra == 0) {
            c.program(Esr.PIL);
            return;
        }
        int ea = c.gpr[ra] + (short) w;
        if (c.mem.store32(ea, c.gpr[rt(w)])) {
            c.gpr[ra] = ea;
        }
    }

    public static void stwx(Cpu c, int w) {
        c.mem.store32(eaX(c, w), c.gpr[rt(w)]);
    }

    public static void stbx(Cpu c, int w) {
        c.mem.store8(eaX(c, w), c.gpr[rt(w)]);
    }

    public static void lmw(Cpu c, int w) {
        int ea = eaD(c, w);
        for (int r = rt(w); r < 32; r++, ea += 4) {
            long v = c.mem.load32(ea);
            if (v < 0) {
                return;
            }
            // RA in the range is not loaded (the ISA leaves it undefined; QEMU loads it): follow QEMU
            c.gpr[r] = (int) v;
        }
    }

    public static void stmw(Cpu c, int w) {
        int ea = eaD(c, w);
        for (int r = rt(w); r < 32; r++, ea += 4) {
            if (!c.mem.store32(ea, c.gpr[r])) {
                return;
            }
        }
    }

    public static void lwarx(Cpu c, int w) {
        int ea = eaX(c, w);
        long v = c.mem.load32(ea);
        if (v < 0) {
            return;
        }
        c.gpr[rt(w)] = (int) v;
        c.reservation = true;
        c.reservationAddr = ea;
    }

    public static void stwcx(Cpu c, int w) {
        int ea = eaX(c, w);
        int so = c.xer >>> 31;
        if (c.reservation && c.reservationAddr == ea) {
            if (!c.mem.store32(ea, c.gpr[rt(w)])) {
                return;
            }
            c.reservation = false;
            c.setCrField(0, 2 | so);
        } else {
            c.reservation = false;
            c.setCrField(0, so);
        }
    }

    public static void dcbz(Cpu c, int w) {
        int ea = eaX(c, w) & -CACHE_LINE;
        for (int i = 0; i < CACHE_LINE; i += 4) {
            if (!c.mem.store32(ea + i, 0)) {
                return;
            }
        }
    }

    /**
     * lwepx / stwepx / lbepx / stbepx: translate in the context EPLC (loads) or EPSC (stores) name. In guest
     * state EGS and ELPID are forced to the guest's own partition. Faults are DTLB / DSI with ESR[EPID].
     */
    public static void externalPid(Cpu c, int w, int op) {
        if (!c.requireSupervisor()) {
            return;
        }
        boolean store = isStore(op);
        int epc = c.spr[store ? SprNum.EPSC : SprNum.EPLC];
        if (c.inGuest()) {
            epc = (epc & ~SprNum.EPC_ELPID) | SprNum.EPC_EGS | ((c.spr[SprNum.LPIDR] & 0xFF) << 16);
        }
        int ea = eaX(c, w);
        long ra = c.mem.translateExternal(ea, store ? DataAccess.WRITE : DataAccess.READ, epc);
        int esr = Esr.EPID | (store ? Esr.ST : 0);
        if (ra == -1) {
            c.raise(Ivor.DTLB_MISS, c.cia(), esr, ea, Cpu.SET_ESR | Cpu.SET_DEAR);
            return;
        }
        if (ra < 0) {
            c.raise(Ivor.DATA_STORAGE, c.cia(), esr, ea, Cpu.SET_ESR | Cpu.SET_DEAR);
            return;
        }
        var mem = c.mem.memory();
        if (!mem.isRam(ra)) {
            c.raise(Ivor.MACHINE_CHECK, c.cia(), 0, ea, Cpu.SET_DEAR);
            return;
        }
        int size = size(op);
        if (store) {
            mem.write(ra, size, c.gpr[rt(w)], ByteOrder.BIG_ENDIAN);
            c.mem.noteExternalWrite(ra, size);
        } else {
            c.gpr[rt(w)] = (int) mem.read(ra, size, ByteOrder.BIG_ENDIAN);
        }
    }

    static boolean userState(Cpu c) {
        return (c.msr & Msr.PR) != 0;
    }
}
