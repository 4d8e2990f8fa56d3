package org.polyvisor.ppc.internal.exec;

import static org.polyvisor.ppc.internal.decode.Op.*;

import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.SprNum;
import org.polyvisor.ppc.internal.decode.Decoder;

/**
 * The fetch-decode-dispatch loop. One batch runs until its instruction count is used, an interrupt goes to the
 * hypervisor, or an instruction asks the loop to look at pending events (Cpu.stop). Per instruction: one page-tag
 * compare, two array reads from the pre-decoded page (word and operation id), one tableswitch; no allocation.
 */
public final class Interpreter {
    private Interpreter() {
    }

    /** Runs up to {@code max} instructions; returns the hypervisor-directed interrupt number or -1. */
    public static int run(Cpu c, int max) {
        c.exitIvor = -1;
        c.stop = false;
        int[] words = c.fetchWords;
        int[] ops = c.fetchOps;
        Block[] blocks = c.fetchBlocks;
        int[] counts = c.fetchCounts;
        int threshold = c.jitThreshold;
        int n = max;
        int notRetired = 0;
        while (n > 0) {
            int pc = c.pc;
            if ((pc >>> 12) != c.fetchTag) {
                if (!c.fetchSlow(pc)) {
                    n--;
                    notRetired++;
                    if (c.stop) {
                        break;
                    }
                    continue;
                }
                words = c.fetchWords;
                ops = c.fetchOps;
                blocks = c.fetchBlocks;
                counts = c.fetchCounts;
            }
            int i = (pc >>> 2) & 1023;
            Block b = blocks[i];
            if (b != null) {
                n -= b.run(c);
                if (c.stop) {
                    break;
                }
                continue;
            }
            if (threshold > 0 && ++counts[i] == threshold) {
                blocks[i] = c.compiler.compile(pc, words, ops, c.fetchLengths, i);
                continue;
            }
            n--;
            int w = words[i];
            int op = ops[i];
            c.pc = pc + 4;
            // The hottest operations are dispatched here so that the JIT inlines them into the loop; everything
            // else goes through execute(), which is too large to inline as a whole.
            switch (op) {
                case ADDI -> IntArith.addi(c, w);
                case LWZ -> LoadStore.lwz(c, w);
                case STW -> LoadStore.stw(c, w);
                case LWZX -> LoadStore.lwzx(c, w);
                case LBZU -> LoadStore.lbzu(c, w);
                case LBZ -> LoadStore.lbz(c, w);
                case STB -> LoadStore.stb(c, w);
                case RLWINM -> Logic.rlwinm(c, w);
                case XOR -> Logic.xor(c, w);
                case OR -> Logic.or(c, w);
                case BC -> Branch.bc(c, w);
                case B -> Branch.b(c, w);
                case BCLR -> Branch.bclr(c, w);
                case CMPI -> IntArith.cmpi(c, w);
                case CMPLI -> IntArith.cmpli(c, w);
                case CMPL -> IntArith.cmpl(c, w);
                case ADD -> IntArith.add(c, w);
                default -> execute(c, w, op);
            }
            if (c.stop) {
                break;
            }
        }
        if (c.exitIvor >= 0) {
            notRetired++; // the instruction that trapped to the hypervisor did not retire
        }
        c.retired += max - n - notRetired;
        return c.exitIvor;
    }

    /** Executes one instruction word (c.pc already points to the next one). */
    public static void execute(Cpu c, int w) {
        execute(c, w, Decoder.decode(w));
    }

    private static void execute(Cpu c, int w, int op) {
        switch (op) {
            case ADDI -> IntArith.addi(c, w);
            case ADDIS -> IntArith.addis(c, w);
            case ADDIC -> IntArith.addic(c, w, false);
            case ADDIC_ -> IntArith.addic(c, w, true);
            case SUBFIC -> IntArith.subfic(c, w);
            case ADD -> IntArith.add(c, w);
            case ADDC -> IntArith.addc(c, w);
            case ADDE -> IntArith.adde(c, w);
            case ADDME -> IntArith.addme(c, w);
            case ADDZE -> IntArith.addze(c, w);
            case SUBF -> IntArith.subf(c, w);
            case SUBFC -> IntArith.subfc(c, w);
            case SUBFE -> IntArith.subfe(c, w);
            case SUBFME -> IntArith.subfme(c, w);
            case SUBFZE -> IntArith.subfze(c, w);
            case NEG -> IntArith.neg(c, w);
            case CMPI -> IntArith.cmpi(c, w);
            case CMPLI -> IntArith.cmpli(c, w);
            case CMP -> IntArith.cmp(c, w);
            case CMPL -> IntArith.cmpl(c, w);
            case TWI -> IntArith.twi(c, w);
            case TW -> IntArith.tw(c, w);
            case MULLI -> MulDiv.mulli(c, w);
            case MULLW -> MulDiv.mullw(c, w);
            case MULHW -> MulDiv.mulhw(c, w);
            case MULHWU -> MulDiv.mulhwu(c, w);
            case DIVW -> MulDiv.divw(c, w);
            case DIVWU -> MulDiv.divwu(c, w);
            case ORI -> Logic.ori(c, w);
            case ORIS, XORI, XORIS, ANDI_, ANDIS_ -> Logic.immediate(c, w, op);
            case OR -> Logic.or(c, w);
            case XOR -> Logic.xor(c, w);
            case AND -> Logic.and(c, w);
            case ANDC, ORC, NAND, NOR, EQV, EXTSB, EXTSH, CNTLZW, SLW, SRW -> Logic.register(c, w, op);
            case SRAW -> Logic.sraw(c, w);
            case SRAWI -> Logic.srawi(c, w);
            case RLWINM -> Logic.rlwinm(c, w);
            case RLWNM -> Logic.rlwnm(c, w);
            case RLWIMI -> Logic.rlwimi(c, w);
            case LWZ -> LoadStore.lwz(c, w);
            case LBZ -> LoadStore.lbz(c, w);
            case STW -> LoadStore.stw(c, w);
            case LBZU -> LoadStore.lbzu(c, w);
            case LWZU -> LoadStore.lwzu(c, w);
            case LHZ -> LoadStore.lhz(c, w);
            case LWZX -> LoadStore.lwzx(c, w);
            case LBZX -> LoadStore.lbzx(c, w);
            case STB -> LoadStore.stb(c, w);
            case STH -> LoadStore.sth(c, w);
            case STWU -> LoadStore.stwu(c, w);
            case STWX -> LoadStore.stwx(c, w);
            case STBX -> LoadStore.stbx(c, w);
            case LHZU, LHA, LHAU, STBU, STHU, LWZUX, LBZUX, LHZX, LHZUX,
                 LHAX, LHAUX, STWUX, STBUX, STHX, STHUX, LWBRX, LHBRX, STWBRX, STHBRX ->
                    LoadStore.access(c, w, op);
            case LMW -> LoadStore.lmw(c, w);
            case STMW -> LoadStore.stmw(c, w);
            case LWARX -> LoadStore.lwarx(c, w);
            case STWCX_ -> LoadStore.stwcx(c, w);
            case LWEPX, STWEPX, LBEPX, STBEPX -> LoadStore.externalPid(c, w, op);
            case DCBZ -> LoadStore.dcbz(c, w);
            case B -> Branch.b(c, w);
            case BC -> Branch.bc(c, w);
            case BCLR -> Branch.bclr(c, w);
            case BCCTR -> Branch.bcctr(c, w);
            case MCRF -> Branch.mcrf(c, w);
            case CRAND, CROR, CRXOR, CRNAND, CRNOR, CREQV, CRANDC, CRORC -> Branch.crLogic(c, w, op);
            case ISEL -> Branch.isel(c, w);
            case MFCR -> Branch.mfcr(c, w);
            case MTCRF -> Branch.mtcrf(c, w);
            case MCRXR -> Branch.mcrxr(c, w);
            case SC -> SystemOps.sc(c, w);
            case RFI -> SystemOps.rfi(c);
            case RFCI -> SystemOps.rfOther(c, SprNum.CSRR0, SprNum.CSRR1, false);
            case RFMCI -> SystemOps.rfOther(c, SprNum.MCSRR0, SprNum.MCSRR1, false);
            case RFGI -> SystemOps.rfOther(c, SprNum.GSRR0, SprNum.GSRR1, true);
            case MFMSR -> SystemOps.mfmsr(c, w);
            case MTMSR -> SystemOps.mtmsr(c, w);
            case WRTEE -> SystemOps.wrtee(c, c.gpr[(w >>> 21) & 31]);
            case WRTEEI -> SystemOps.wrtee(c, w);
            case MFSPR -> SystemOps.mfspr(c, w);
            case MTSPR -> SystemOps.mtspr(c, w);
            case MFTB -> SystemOps.mftb(c, w);
            case EHPRIV -> c.hvPriv();
            case WAIT -> SystemOps.waitInsn(c);
            case MSGSND, MSGCLR -> SystemOps.privilegedNop(c, true);
            case NOP_PRIV_CACHE -> SystemOps.privilegedNop(c, false);
            case NOP_SYNC, NOP_CACHE -> {
                // no caches or reordering are modelled: ordering and cache operations complete at once
            }
            case TLBWE, TLBRE, TLBSX, TLBIVAX, TLBILX, TLBSYNC -> TlbOps.execute(c, w, op);
            default -> c.program(Esr.PIL);
        }
    }
}
