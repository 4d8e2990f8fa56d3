package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.EXC;
import static org.polyvisor.arm64.internal.cpu.Cpu.JUMP;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;

import java.util.function.BooleanSupplier;

import org.polyvisor.arm64.internal.cpu.Block;
import org.polyvisor.arm64.internal.cpu.BlockView;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.decode.Op;
import org.polyvisor.spi.Exit;

/**
 * The interpreter: runs decoded blocks until an exit is pending or a stop is requested. Per instruction it does
 * one store (the PC, for PC-relative forms and exceptions), one switch and one handler call; everything else
 * (translation, decoding, exceptions) happens at block boundaries or on slow paths.
 */
public final class Interpreter {
    private Interpreter() {
    }

    /**
     * Runs until an exit is pending (returned) or {@code stop} answers true at a block boundary (returns null).
     */
    public static Exit run(Cpu c, BooleanSupplier stop) {
        while (true) {
            Exit e = c.pendingExit;
            if (e != null) {
                c.pendingExit = null;
                return e;
            }
            if (stop.getAsBoolean()) {
                return null;
            }
            if (c.il) { // PSTATE.IL after an illegal exception return
                Exceptions.takeSync(c, Ec.ILLEGAL_STATE, 0, 0, c.pc);
                continue;
            }
            Block b = c.blocks.lookup(c.pc);
            if (b != null) {
                execBlock(c, b);
            }
            c.fault = false;
        }
    }

    /** Runs a bounded number of blocks (for tests and the benchmark's inner loop). */
    static void execBlock(Cpu c, Block b) {
        int[] ops = BlockView.ops(b);
        int[] words = BlockView.words(b);
        int[] regs = BlockView.regs(b);
        long[] imms = BlockView.imms(b);
        int len = ops.length;
        long base = c.pc;
        for (int i = 0; i < len; i++) {
            c.pc = base + ((long) i << 2);
            int w = words[i];
            int rg = regs[i];
            long imm = imms[i];
            // The dispatch lives in the loop on purpose: HotSpot judges how hot each handler call is relative to
            // this method's invocations (one per block), so the hot handlers get inlined here.
            int r = switch (ops[i]) {
                    case Op.NOP, Op.BARRIER, Op.ISB -> NEXT;
                    case Op.ADR -> DataImm.adr(c, rg, imm);
                    case Op.ADRP -> DataImm.adrp(c, rg, imm);
                    case Op.ADD_IMM -> DataImm.addImm(c, w, rg, imm);
                    case Op.ADDS_IMM -> DataImm.addsImm(c, w, rg, imm);
                    case Op.SUB_IMM -> DataImm.subImm(c, w, rg, imm);
                    case Op.SUBS_IMM -> DataImm.subsImm(c, w, rg, imm);
                    case Op.LOGIC_IMM -> DataImm.logicImm(c, w, rg, imm);
                    case Op.MOVN -> DataImm.movn(c, w, rg, imm);
                    case Op.MOVZ -> DataImm.movz(c, rg, imm);
                    case Op.MOVK -> DataImm.movk(c, w, rg, imm);
                    case Op.SBFM -> DataImm.bitfield(c, w, rg, 0);
                    case Op.BFM -> DataImm.bitfield(c, w, rg, 1);
                    case Op.UBFM -> DataImm.bitfield(c, w, rg, 2);
                    case Op.EXTR -> DataImm.extr(c, w, rg);
                    case Op.LOGIC_REG -> DataReg.logicReg(c, w, rg);
                    case Op.ADDSUB_SHIFT -> DataReg.addSubShift(c, w, rg);
                    case Op.ADDSUB_EXT -> DataReg.addSubExt(c, w, rg);
                    case Op.ADC -> DataReg.adc(c, w, rg);
                    case Op.CCMP_REG -> DataReg.ccmp(c, w, rg, false);
                    case Op.CCMP_IMM -> DataReg.ccmp(c, w, rg, true);
                    case Op.CSEL -> DataReg.csel(c, w, rg);
                    case Op.SHIFTV -> DataReg.shiftV(c, w, rg);
                    case Op.DP1 -> DataReg.dp1(c, w, rg);
                    case Op.DIV -> MulDiv.div(c, w, rg);
                    case Op.MADD -> MulDiv.madd(c, w, rg);
                    case Op.MADDL -> MulDiv.maddl(c, w, rg);
                    case Op.MULH -> MulDiv.mulh(c, w, rg);
                    case Op.CRC32 -> MulDiv.crc32(c, w, rg);
                    case Op.B -> Branches.b(c, imm);
                    case Op.BL -> Branches.bl(c, imm);
                    case Op.BCOND -> Branches.bcond(c, w, imm);
                    case Op.CBZ -> Branches.cbz(c, w, rg, imm);
                    case Op.TBZ -> Branches.tbz(c, w, rg, imm);
                    case Op.BR -> Branches.br(c, rg);
                    case Op.BLR -> Branches.blr(c, rg);
                    case Op.ERET -> Exceptions.eret(c);
                    case Op.LDST_UIMM -> LoadStore.uimm(c, w, rg, imm);
                    case Op.LDST_IMM9 -> LoadStore.imm9(c, w, rg, imm);
                    case Op.LDST_IMM9_WB -> LoadStore.imm9Writeback(c, w, rg, imm);
                    case Op.LDST_REG -> LoadStore.reg(c, w, rg);
                    case Op.LDR_LIT -> LoadStore.literal(c, w, rg, imm);
                    case Op.LDSTP -> LoadStore.pair(c, w, rg, imm);
                    case Op.LDX -> LoadStore.ldx(c, w, rg);
                    case Op.STX -> LoadStore.stx(c, w, rg);
                    case Op.LDXP -> LoadStore.ldxp(c, w, rg);
                    case Op.STXP -> LoadStore.stxp(c, w, rg);
                    case Op.LDAR -> LoadStore.ldar(c, w, rg);
                    case Op.STLR -> LoadStore.stlr(c, w, rg);
                    case Op.MRS -> SystemInsns.mrs(c, w, rg, imm);
                    case Op.MSR_REG, Op.SYS -> SystemInsns.msr(c, w, rg, imm);
                    case Op.MSR_IMM -> SystemInsns.msrImm(c, w);
                    case Op.HINT -> SystemInsns.hint(c, w);
                    case Op.CLREX -> {
                        c.exclAddr = -1;
                        yield NEXT;
                    }
                    case Op.SVC -> SystemInsns.svc(c, w);
                    case Op.HVC -> SystemInsns.hvc(c, w);
                    case Op.SMC -> SystemInsns.smc(c, w);
                    case Op.BRK -> SystemInsns.brk(c, w);
                    case Op.FP -> SystemInsns.fp(c);
                    default -> {
                        Exceptions.undefined(c);
                        yield EXC;
                    }
            };
            if (r != NEXT) {
                c.retired += r == JUMP ? i + 1 : i;
                return;
            }
        }
        c.pc = base + ((long) len << 2);
        c.retired += len;
    }
}
