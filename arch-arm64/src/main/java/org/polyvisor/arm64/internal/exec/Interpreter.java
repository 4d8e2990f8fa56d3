package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.EXC;
import static org.polyvisor.arm64.internal.cpu.Cpu.JUMP;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;

import java.util.function.BooleanSupplier;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.cpu.Halt;
import org.polyvisor.arm64.internal.decode.Op;
import org.polyvisor.arm64.internal.mmu.DataAccess;

/**
 * The interpreter: runs decoded blocks until the PE halts or a stop is requested. Per instruction it does one
 * switch and one (usually inlined) handler; the PC is stored only by instructions that read it or may fault;
 * translation, decoding and exceptions happen at block boundaries or on slow paths. Rare instructions go through
 * {@link ColdPath}.
 */
public final class Interpreter {
    private Interpreter() {
    }

    /**
     * Runs until the PE halts ({@link Halt}: returned and cleared) or {@code stop} answers true at a block boundary
     * (returns {@link Halt#NONE}). At least one chain of blocks runs per call, so a condition that keeps {@code stop}
     * true (an IRQ the guest has masked) cannot starve the guest.
     */
    static int run(Core k, BooleanSupplier stop) {
        Cpu c = k.cpu;
        while (true) {
            int h = c.halt;
            if (h != Halt.NONE) {
                c.halt = Halt.NONE;
                return h;
            }
            if (c.il) { // PSTATE.IL after an illegal exception return
                Exceptions.takeSync(c, Ec.ILLEGAL_STATE, 0, 0, c.pc);
            } else {
                Block b = k.blocks.lookup(c.pc);
                if (b != null) {
                    if (c.retired + b.length > k.sampleAt) {
                        k.sampling.runSampled(b);
                    } else {
                        execBlocks(k, b, CHAIN);
                    }
                }
                c.fault = false;
            }
            if (c.halt == Halt.NONE && stop.getAsBoolean()) {
                return Halt.NONE;
            }
        }
    }

    /** Blocks run back to back before the run loop looks at stop requests again (bounds the kick latency). */
    static final int CHAIN = 256;

    /**
     * Runs up to {@code budget} blocks, going from one block to the next without returning to the run loop, and
     * stops early at an exception, a halt or a PSTATE.IL, or before a block that holds the operation the sampling hook
     * is armed for (the run loop runs that block through {@link Sampling}).
     */
    static void execBlocks(Core k, Block first, int budget) {
        Cpu c = k.cpu;
        DataAccess mem = k.mem;
        BlockCache blocks = k.blocks;
        Block b = first;
        while (true) {
            if (!execBlock(k, c, mem, b) || --budget <= 0 || c.halt != Halt.NONE || c.il) {
                return;
            }
            b = blocks.lookup(c.pc);
            // The sampling countdown is checked here, where block ends are checked anyway: with nothing armed
            // sampleAt is Long.MAX_VALUE and the comparison never holds (no per-instruction cost).
            if (b == null || c.retired + b.length > k.sampleAt) {
                return;
            }
        }
    }

    /** Runs one block; false when an instruction raised an exception (the PC is then at the vector). */
    static boolean execBlock(Core k, Cpu c, DataAccess mem, Block b) {
        int[] codes = BlockView.codes(b);
        int[] words = BlockView.words(b);
        long[] imms = BlockView.imms(b);
        int len = codes.length;
        long base = c.pc;
        for (int i = 0; i < len; i++) {
            // Only instructions that read the PC or may raise an exception store it: pure ALU work skips the store.
            long pc = base + ((long) i << 2);
            int w = words[i];
            int rg = codes[i];
            long imm = imms[i];
            // The dispatch lives in the loop on purpose: HotSpot judges how hot each handler call is relative to
            // this method's invocations (one per block), so the hot handlers get inlined here.
            int r = switch (rg >>> 24) {
                case Op.NOP, Op.BARRIER, Op.ISB -> NEXT;
                case Op.AND_I -> DataFast.andI(c, w, rg, imm);
                case Op.ORR_I -> DataFast.orrI(c, w, rg, imm);
                case Op.EOR_I -> DataFast.eorI(c, w, rg, imm);
                case Op.ANDS_I -> DataFast.andsI(c, w, rg, imm);
                case Op.AND_RR -> DataFast.andRR(c, w, rg);
                case Op.ORR_RR -> DataFast.orrRR(c, w, rg);
                case Op.EOR_RR -> DataFast.eorRR(c, w, rg);
                case Op.ANDS_RR -> DataFast.andsRR(c, w, rg);
                case Op.ADD_RR -> DataFast.addRR(c, w, rg);
                case Op.ADDS_RR -> DataFast.addsRR(c, w, rg);
                case Op.SUB_RR -> DataFast.subRR(c, w, rg);
                case Op.SUBS_RR -> DataFast.subsRR(c, w, rg);
                case Op.ADR -> {
                    c.pc = pc;
                    yield DataImm.adr(c, rg, imm);
                }
                case Op.ADRP -> {
                    c.pc = pc;
                    yield DataImm.adrp(c, rg, imm);
                }
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
                case Op.B -> {
                    c.pc = pc;
                    yield Branches.b(c, imm);
                }
                case Op.BL -> {
                    c.pc = pc;
                    yield Branches.bl(c, imm);
                }
                case Op.BCOND -> {
                    c.pc = pc;
                    yield Branches.bcond(c, w, imm);
                }
                case Op.CBZ -> {
                    c.pc = pc;
                    yield Branches.cbz(c, w, rg, imm);
                }
                case Op.TBZ -> {
                    c.pc = pc;
                    yield Branches.tbz(c, w, rg, imm);
                }
                case Op.BR -> {
                    c.pc = pc;
                    yield Branches.br(c, rg);
                }
                case Op.BLR -> {
                    c.pc = pc;
                    yield Branches.blr(c, rg);
                }
                case Op.LD_UIMM_B -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldUimmB(c, mem, rg, imm);
                }
                case Op.ST_UIMM_B -> {
                    c.pc = pc;
                    yield LoadStoreFast.stUimmB(c, mem, rg, imm);
                }
                case Op.LD_WB_B -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldWbB(c, mem, w, rg, imm);
                }
                case Op.ST_WB_B -> {
                    c.pc = pc;
                    yield LoadStoreFast.stWbB(c, mem, w, rg, imm);
                }
                case Op.LD_REG_B -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldRegB(c, mem, w, rg);
                }
                case Op.ST_REG_B -> {
                    c.pc = pc;
                    yield LoadStoreFast.stRegB(c, mem, w, rg);
                }
                case Op.LD_UIMM_H -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldUimmH(c, mem, rg, imm);
                }
                case Op.ST_UIMM_H -> {
                    c.pc = pc;
                    yield LoadStoreFast.stUimmH(c, mem, rg, imm);
                }
                case Op.LD_WB_H -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldWbH(c, mem, w, rg, imm);
                }
                case Op.ST_WB_H -> {
                    c.pc = pc;
                    yield LoadStoreFast.stWbH(c, mem, w, rg, imm);
                }
                case Op.LD_REG_H -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldRegH(c, mem, w, rg);
                }
                case Op.ST_REG_H -> {
                    c.pc = pc;
                    yield LoadStoreFast.stRegH(c, mem, w, rg);
                }
                case Op.LD_UIMM_W -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldUimmW(c, mem, rg, imm);
                }
                case Op.ST_UIMM_W -> {
                    c.pc = pc;
                    yield LoadStoreFast.stUimmW(c, mem, rg, imm);
                }
                case Op.LD_WB_W -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldWbW(c, mem, w, rg, imm);
                }
                case Op.ST_WB_W -> {
                    c.pc = pc;
                    yield LoadStoreFast.stWbW(c, mem, w, rg, imm);
                }
                case Op.LD_REG_W -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldRegW(c, mem, w, rg);
                }
                case Op.ST_REG_W -> {
                    c.pc = pc;
                    yield LoadStoreFast.stRegW(c, mem, w, rg);
                }
                case Op.LD_UIMM_X -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldUimmX(c, mem, rg, imm);
                }
                case Op.ST_UIMM_X -> {
                    c.pc = pc;
                    yield LoadStoreFast.stUimmX(c, mem, rg, imm);
                }
                case Op.LD_WB_X -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldWbX(c, mem, w, rg, imm);
                }
                case Op.ST_WB_X -> {
                    c.pc = pc;
                    yield LoadStoreFast.stWbX(c, mem, w, rg, imm);
                }
                case Op.LD_REG_X -> {
                    c.pc = pc;
                    yield LoadStoreFast.ldRegX(c, mem, w, rg);
                }
                case Op.ST_REG_X -> {
                    c.pc = pc;
                    yield LoadStoreFast.stRegX(c, mem, w, rg);
                }
                case Op.LDST_UIMM -> {
                    c.pc = pc;
                    yield LoadStore.uimm(c, mem, w, rg, imm);
                }
                case Op.LDST_IMM9 -> {
                    c.pc = pc;
                    yield LoadStore.imm9(c, mem, w, rg, imm);
                }
                case Op.LDST_IMM9_WB -> {
                    c.pc = pc;
                    yield LoadStore.imm9Writeback(c, mem, w, rg, imm);
                }
                case Op.LDST_REG -> {
                    c.pc = pc;
                    yield LoadStore.reg(c, mem, w, rg);
                }
                case Op.LDR_LIT -> {
                    c.pc = pc;
                    yield LoadStore.literal(c, mem, w, rg, imm);
                }
                case Op.LDSTP -> {
                    c.pc = pc;
                    yield LoadStore.pair(c, mem, w, rg, imm);
                }
                default -> {
                    c.pc = pc;
                    yield ColdPath.exec(k, rg >>> 24, w, rg, imm);
                }
                case Op.UNDEF -> {
                    c.pc = pc;
                    Exceptions.undefined(c);
                    yield EXC;
                }
            };
            if (r != NEXT) {
                c.retired += r == JUMP ? i + 1 : i;
                return r == JUMP;
            }
        }
        c.pc = base + ((long) len << 2);
        c.retired += len;
        return true;
    }
}
