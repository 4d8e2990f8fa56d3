package org.polyvisor.arm64.internal.decode;

import static org.polyvisor.arm64.internal.decode.Bits.f;
import static org.polyvisor.arm64.internal.decode.Bits.sext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The A64 base instruction set (ARMv8.0, as Cortex-A57 implements it) as a table, one entry per encoding, grouped
 * like the ARM ARM's "A64 instruction set encoding" chapter. First match wins; anything that matches no entry is
 * UNDEFINED. Not listed, hence UNDEFINED as on a Cortex-A57: LSE atomics, LOR (LDLAR/STLLR), PAN/UAO MSR forms,
 * pointer authentication, BTI, SYSL, DRPS. SIMD and floating point are one catch-all entry (trap per CPACR_EL1).
 */
public final class A64Table {
    private A64Table() {
    }

    private static boolean sf(int w) {
        return (w >>> 31) != 0;
    }

    /** Shared rule: 32-bit forms only take 5-bit shift amounts / bit positions in the imm6 field (bit 15). */
    private static boolean imm6Ok(int w) {
        return sf(w) || (w & (1 << 15)) == 0;
    }

    public static List<Encoding> entries() {
        List<Encoding> t = new ArrayList<>();
        dataProcessingImmediate(t);
        branchesExceptionsSystem(t);
        loadsAndStores(t);
        dataProcessingRegister(t);
        // SIMD and floating point: data processing (op0 x111) and loads/stores with V=1 (op0 x1x0, bit 26 set)
        t.add(Encoding.of("FP_SIMD_dp", "xxxx 111 " + "x".repeat(25), Op.FP));
        t.add(Encoding.of("FP_SIMD_ldst", "xxxx 110 " + "x".repeat(25), Op.FP));
        return t;
    }

    private static void dataProcessingImmediate(List<Encoding> t) {
        Encoding.Imm adr = w -> sext(((long) f(w, 23, 5) << 2) | f(w, 30, 29), 21);
        t.add(Encoding.of("ADR", "0 immlo:2 10000 immhi:19 Rd", Op.ADR).imm(adr));
        t.add(Encoding.of("ADRP", "1 immlo:2 10000 immhi:19 Rd", Op.ADRP).imm(w -> adr.decode(w) << 12));

        Encoding.Imm addImm = w -> (long) f(w, 21, 10) << (Bits.bit(w, 22) ? 12 : 0);
        t.add(Encoding.of("ADD_imm", "sf 0 0 100010 sh imm12 Rn Rd", Op.ADD_IMM).regs("d=s n=s").imm(addImm));
        t.add(Encoding.of("ADDS_imm", "sf 0 1 100010 sh imm12 Rn Rd", Op.ADDS_IMM).regs("n=s").imm(addImm));
        t.add(Encoding.of("SUB_imm", "sf 1 0 100010 sh imm12 Rn Rd", Op.SUB_IMM).regs("d=s n=s").imm(addImm));
        t.add(Encoding.of("SUBS_imm", "sf 1 1 100010 sh imm12 Rn Rd", Op.SUBS_IMM).regs("n=s").imm(addImm));

        Encoding.Imm bitmask = w -> {
            long[] m = Bits.decodeBitMasks(f(w, 22, 22), f(w, 15, 10), f(w, 21, 16), true, sf(w) ? 64 : 32);
            return m == null ? 0 : m[0];
        };
        IntPredicate logicOk = w -> (sf(w) || !Bits.bit(w, 22))
                && Bits.decodeBitMasks(f(w, 22, 22), f(w, 15, 10), f(w, 21, 16), true, sf(w) ? 64 : 32) != null;
        t.add(Encoding.of("AND_imm", "sf 00 100100 N immr imms Rn Rd", Op.LOGIC_IMM).regs("d=s").valid(logicOk).imm(bitmask));
        t.add(Encoding.of("ORR_imm", "sf 01 100100 N immr imms Rn Rd", Op.LOGIC_IMM).regs("d=s").valid(logicOk).imm(bitmask));
        t.add(Encoding.of("EOR_imm", "sf 10 100100 N immr imms Rn Rd", Op.LOGIC_IMM).regs("d=s").valid(logicOk).imm(bitmask));
        t.add(Encoding.of("ANDS_imm", "sf 11 100100 N immr imms Rn Rd", Op.LOGIC_IMM).valid(logicOk).imm(bitmask));

        IntPredicate hwOk = w -> sf(w) || !Bits.bit(w, 22);
        Encoding.Imm wide = w -> (long) f(w, 20, 5) << (16 * f(w, 22, 21));
        t.add(Encoding.of("MOVN", "sf 00 100101 hw imm16 Rd", Op.MOVN).valid(hwOk).imm(wide));
        t.add(Encoding.of("MOVZ", "sf 10 100101 hw imm16 Rd", Op.MOVZ).valid(hwOk).imm(wide));
        t.add(Encoding.of("MOVK", "sf 11 100101 hw imm16 Rd", Op.MOVK).valid(hwOk).imm(wide));

        IntPredicate bfOk = w -> (Bits.bit(w, 22) == sf(w))
                && (sf(w) || (f(w, 21, 16) < 32 && f(w, 15, 10) < 32));
        t.add(Encoding.of("SBFM", "sf 00 100110 N immr imms Rn Rd", Op.SBFM).valid(bfOk));
        t.add(Encoding.of("BFM", "sf 01 100110 N immr imms Rn Rd", Op.BFM).valid(bfOk));
        t.add(Encoding.of("UBFM", "sf 10 100110 N immr imms Rn Rd", Op.UBFM).valid(bfOk));
        t.add(Encoding.of("EXTR", "sf 00 100111 N 0 Rm imms Rn Rd", Op.EXTR)
                .valid(w -> Bits.bit(w, 22) == sf(w) && imm6Ok(w)));
    }

    private static void branchesExceptionsSystem(List<Encoding> t) {
        t.add(Encoding.of("B", "0 00101 imm26", Op.B).imm(w -> sext(f(w, 25, 0), 26) << 2));
        t.add(Encoding.of("BL", "1 00101 imm26", Op.BL).imm(w -> sext(f(w, 25, 0), 26) << 2));
        Encoding.Imm imm19 = w -> sext(f(w, 23, 5), 19) << 2;
        t.add(Encoding.of("B_cond", "0101010 0 imm19 0 cond", Op.BCOND).imm(imm19));
        t.add(Encoding.of("CBZ", "sf 011010 0 imm19 Rt", Op.CBZ).regs("d=r").imm(imm19));
        t.add(Encoding.of("CBNZ", "sf 011010 1 imm19 Rt", Op.CBZ).regs("d=r").imm(imm19));
        Encoding.Imm imm14 = w -> sext(f(w, 18, 5), 14) << 2;
        t.add(Encoding.of("TBZ", "b5 011011 0 b40 imm14 Rt", Op.TBZ).regs("d=r").imm(imm14));
        t.add(Encoding.of("TBNZ", "b5 011011 1 b40 imm14 Rt", Op.TBZ).regs("d=r").imm(imm14));
        t.add(Encoding.of("BR", "1101011 0000 11111 000000 Rn 00000", Op.BR));
        t.add(Encoding.of("BLR", "1101011 0001 11111 000000 Rn 00000", Op.BLR));
        t.add(Encoding.of("RET", "1101011 0010 11111 000000 Rn 00000", Op.BR));
        t.add(Encoding.of("ERET", "1101011 0100 11111 000000 11111 00000", Op.ERET));

        t.add(Encoding.of("SVC", "11010100 000 imm16 000 01", Op.SVC));
        t.add(Encoding.of("HVC", "11010100 000 imm16 000 10", Op.HVC));
        t.add(Encoding.of("SMC", "11010100 000 imm16 000 11", Op.SMC));
        t.add(Encoding.of("BRK", "11010100 001 imm16 000 00", Op.BRK));
        // HLT is UNDEFINED unless halting debug is enabled, which this model never is.
        t.add(Encoding.of("HLT", "11010100 010 imm16 000 00", Op.UNDEF));

        t.add(Encoding.of("HINT", "1101010100 0 00 011 0010 CRm op2 11111", Op.HINT));
        t.add(Encoding.of("CLREX", "1101010100 0 00 011 0011 CRm 010 11111", Op.CLREX));
        t.add(Encoding.of("DSB", "1101010100 0 00 011 0011 CRm 100 11111", Op.BARRIER));
        t.add(Encoding.of("DMB", "1101010100 0 00 011 0011 CRm 101 11111", Op.BARRIER));
        t.add(Encoding.of("ISB", "1101010100 0 00 011 0011 CRm 110 11111", Op.ISB));
        // MSR (immediate): only SPSel, DAIFSet and DAIFClr exist in ARMv8.0.
        t.add(Encoding.of("MSR_imm", "1101010100 0 00 op1 0100 CRm op2 11111", Op.MSR_IMM).valid(w -> {
            int op1 = f(w, 18, 16);
            int op2 = f(w, 7, 5);
            return (op1 == 0 && op2 == 5) || (op1 == 3 && (op2 == 6 || op2 == 7));
        }));
        Encoding.Imm sysKey = w -> f(w, 20, 5);
        t.add(Encoding.of("SYS", "1101010100 0 01 op1 CRn CRm op2 Rt", Op.SYS).regs("d=r").imm(sysKey));
        t.add(Encoding.of("MSR_reg", "1101010100 0 1 o0 op1 CRn CRm op2 Rt", Op.MSR_REG).regs("d=r").imm(sysKey));
        t.add(Encoding.of("MRS", "1101010100 1 1 o0 op1 CRn CRm op2 Rt", Op.MRS).imm(sysKey));
    }

    private static void loadsAndStores(List<Encoding> t) {
        // Exclusives and acquire/release (Rs / Rt2 fields the ARM ARM marks "should be one" are not checked, as in QEMU).
        t.add(Encoding.of("STXR", "size 001000 0 0 0 Rs 0 xxxxx Rn Rt", Op.STX).regs("d=r n=s m=w"));
        t.add(Encoding.of("STLXR", "size 001000 0 0 0 Rs 1 xxxxx Rn Rt", Op.STX).regs("d=r n=s m=w"));
        t.add(Encoding.of("LDXR", "size 001000 0 1 0 xxxxx 0 xxxxx Rn Rt", Op.LDX).regs("n=s"));
        t.add(Encoding.of("LDAXR", "size 001000 0 1 0 xxxxx 1 xxxxx Rn Rt", Op.LDX).regs("n=s"));
        t.add(Encoding.of("STXP", "1 sz:1 001000 0 0 1 Rs 0 Rt2 Rn Rt", Op.STXP).regs("d=r n=s m=w"));
        t.add(Encoding.of("STLXP", "1 sz:1 001000 0 0 1 Rs 1 Rt2 Rn Rt", Op.STXP).regs("d=r n=s m=w"));
        t.add(Encoding.of("LDXP", "1 sz:1 001000 0 1 1 xxxxx 0 Rt2 Rn Rt", Op.LDXP).regs("n=s a=w"));
        t.add(Encoding.of("LDAXP", "1 sz:1 001000 0 1 1 xxxxx 1 Rt2 Rn Rt", Op.LDXP).regs("n=s a=w"));
        t.add(Encoding.of("STLR", "size 001000 1 0 0 xxxxx 1 xxxxx Rn Rt", Op.STLR).regs("d=r n=s"));
        t.add(Encoding.of("LDAR", "size 001000 1 1 0 xxxxx 1 xxxxx Rn Rt", Op.LDAR).regs("n=s"));

        Encoding.Imm lit = w -> sext(f(w, 23, 5), 19) << 2;
        t.add(Encoding.of("LDR_lit_w", "00 011 0 00 imm19 Rt", Op.LDR_LIT).imm(lit));
        t.add(Encoding.of("LDR_lit_x", "01 011 0 00 imm19 Rt", Op.LDR_LIT).imm(lit));
        t.add(Encoding.of("LDRSW_lit", "10 011 0 00 imm19 Rt", Op.LDR_LIT).imm(lit));
        t.add(Encoding.of("PRFM_lit", "11 011 0 00 imm19 Rt", Op.NOP));

        // Pairs: bits 25..23 select no-allocate (000), post-index (001), offset (010), pre-index (011).
        Encoding.Imm pairOff = w -> sext(f(w, 21, 15), 7) << (2 + (f(w, 31, 30) >> 1));
        String[] idx = {"000", "001", "010", "011"};
        String[] idxName = {"NP", "_post", "_off", "_pre"};
        for (int i = 0; i < 4; i++) {
            String st = i == 0 ? "STNP" : "STP" + idxName[i];
            String ld = i == 0 ? "LDNP" : "LDP" + idxName[i];
            t.add(Encoding.of(st, "x0 101 0 " + idx[i] + " 0 imm7 Rt2 Rn Rt", Op.LDSTP).regs("d=r n=s a=r").imm(pairOff));
            t.add(Encoding.of(ld, "x0 101 0 " + idx[i] + " 1 imm7 Rt2 Rn Rt", Op.LDSTP).regs("d=w n=s a=w").imm(pairOff));
            if (i > 0) {
                t.add(Encoding.of("LDPSW" + idxName[i], "01 101 0 " + idx[i] + " 1 imm7 Rt2 Rn Rt", Op.LDSTP)
                        .regs("d=w n=s a=w").imm(pairOff));
            }
        }

        // Single register, every addressing mode. opc: 00 store, 01 load, 10 load signed to 64, 11 signed to 32.
        IntPredicate signedOk = w -> {
            int size = f(w, 31, 30);
            int opc = f(w, 23, 22);
            return size < 2 || (size == 2 && opc == 2);
        };
        IntPredicate regOk = w -> Bits.bit(w, 14); // option must be x1x (UXTW, LSL, SXTW, SXTX)
        Encoding.Imm uimm = w -> (long) f(w, 21, 10) << f(w, 31, 30);
        Encoding.Imm imm9 = w -> sext(f(w, 20, 12), 9);
        t.add(Encoding.of("STR_uimm", "size 111 0 01 00 imm12 Rn Rt", Op.LDST_UIMM).regs("d=r n=s").imm(uimm));
        t.add(Encoding.of("LDR_uimm", "size 111 0 01 01 imm12 Rn Rt", Op.LDST_UIMM).regs("n=s").imm(uimm));
        t.add(Encoding.of("PRFM_uimm", "11 111 0 01 10 imm12 Rn Rt", Op.NOP));
        t.add(Encoding.of("LDRS_uimm", "size 111 0 01 1 x imm12 Rn Rt", Op.LDST_UIMM).regs("n=s").valid(signedOk).imm(uimm));
        String[] modes = {"00", "01", "10", "11"};
        String[] modeName = {"STUR", "post", "STTR", "pre"};
        for (int i = 0; i < 4; i++) {
            int op = (i == 1 || i == 3) ? Op.LDST_IMM9_WB : Op.LDST_IMM9;
            String base = i == 0 ? "unscaled" : i == 2 ? "unpriv" : modeName[i];
            t.add(Encoding.of("STR_" + base, "size 111 0 00 00 0 imm9 " + modes[i] + " Rn Rt", op).regs("d=r n=s").imm(imm9));
            t.add(Encoding.of("LDR_" + base, "size 111 0 00 01 0 imm9 " + modes[i] + " Rn Rt", op).regs("n=s").imm(imm9));
            t.add(Encoding.of("LDRS_" + base, "size 111 0 00 1 x 0 imm9 " + modes[i] + " Rn Rt", op).regs("n=s")
                    .valid(signedOk).imm(imm9));
        }
        t.add(Encoding.of("PRFUM", "11 111 0 00 10 0 imm9 00 Rn Rt", Op.NOP));
        t.add(Encoding.of("STR_reg", "size 111 0 00 00 1 Rm option S 10 Rn Rt", Op.LDST_REG).regs("d=r n=s").valid(regOk));
        t.add(Encoding.of("LDR_reg", "size 111 0 00 01 1 Rm option S 10 Rn Rt", Op.LDST_REG).regs("n=s").valid(regOk));
        t.add(Encoding.of("PRFM_reg", "11 111 0 00 10 1 Rm option S 10 Rn Rt", Op.NOP).valid(regOk));
        t.add(Encoding.of("LDRS_reg", "size 111 0 00 1 x 1 Rm option S 10 Rn Rt", Op.LDST_REG).regs("n=s")
                .valid(w -> regOk.test(w) && signedOk.test(w)));
    }

    private static void dataProcessingRegister(List<Encoding> t) {
        String[] logic = {"AND", "BIC", "ORR", "ORN", "EOR", "EON", "ANDS", "BICS"};
        for (int i = 0; i < 8; i++) {
            String opc = Integer.toBinaryString(4 | (i >> 1)).substring(1);
            t.add(Encoding.of(logic[i] + "_reg", "sf " + opc + " 01010 shift " + (i & 1) + " Rm imm6 Rn Rd", Op.LOGIC_REG)
                    .valid(A64Table::imm6Ok));
        }
        String[] addsub = {"ADD", "ADDS", "SUB", "SUBS"};
        for (int i = 0; i < 4; i++) {
            String opS = (i >> 1) + " " + (i & 1);
            t.add(Encoding.of(addsub[i] + "_shift", "sf " + opS + " 01011 shift 0 Rm imm6 Rn Rd", Op.ADDSUB_SHIFT)
                    .valid(w -> f(w, 23, 22) != 3 && imm6Ok(w)));
            t.add(Encoding.of(addsub[i] + "_ext", "sf " + opS + " 01011 00 1 Rm option imm3 Rn Rd", Op.ADDSUB_EXT)
                    .regs((i & 1) == 0 ? "d=s n=s" : "n=s").valid(w -> f(w, 12, 10) <= 4));
        }
        t.add(Encoding.of("ADC", "sf 0 0 11010000 Rm 000000 Rn Rd", Op.ADC));
        t.add(Encoding.of("ADCS", "sf 0 1 11010000 Rm 000000 Rn Rd", Op.ADC));
        t.add(Encoding.of("SBC", "sf 1 0 11010000 Rm 000000 Rn Rd", Op.ADC));
        t.add(Encoding.of("SBCS", "sf 1 1 11010000 Rm 000000 Rn Rd", Op.ADC));
        t.add(Encoding.of("CCMN_reg", "sf 0 1 11010010 Rm cond 0 0 Rn 0 nzcv", Op.CCMP_REG));
        t.add(Encoding.of("CCMP_reg", "sf 1 1 11010010 Rm cond 0 0 Rn 0 nzcv", Op.CCMP_REG));
        t.add(Encoding.of("CCMN_imm", "sf 0 1 11010010 imm5 cond 1 0 Rn 0 nzcv", Op.CCMP_IMM));
        t.add(Encoding.of("CCMP_imm", "sf 1 1 11010010 imm5 cond 1 0 Rn 0 nzcv", Op.CCMP_IMM));
        t.add(Encoding.of("CSEL", "sf 0 0 11010100 Rm cond 0 0 Rn Rd", Op.CSEL));
        t.add(Encoding.of("CSINC", "sf 0 0 11010100 Rm cond 0 1 Rn Rd", Op.CSEL));
        t.add(Encoding.of("CSINV", "sf 1 0 11010100 Rm cond 0 0 Rn Rd", Op.CSEL));
        t.add(Encoding.of("CSNEG", "sf 1 0 11010100 Rm cond 0 1 Rn Rd", Op.CSEL));

        t.add(Encoding.of("UDIV", "sf 0 0 11010110 Rm 000010 Rn Rd", Op.DIV));
        t.add(Encoding.of("SDIV", "sf 0 0 11010110 Rm 000011 Rn Rd", Op.DIV));
        t.add(Encoding.of("LSLV", "sf 0 0 11010110 Rm 001000 Rn Rd", Op.SHIFTV));
        t.add(Encoding.of("LSRV", "sf 0 0 11010110 Rm 001001 Rn Rd", Op.SHIFTV));
        t.add(Encoding.of("ASRV", "sf 0 0 11010110 Rm 001010 Rn Rd", Op.SHIFTV));
        t.add(Encoding.of("RORV", "sf 0 0 11010110 Rm 001011 Rn Rd", Op.SHIFTV));
        // CRC32 is optional in v8.0 but Cortex-A57 has it (ID_AA64ISAR0_EL1.CRC32 = 1); X forms need sf=1.
        t.add(Encoding.of("CRC32", "sf 0 0 11010110 Rm 010 0 sz:2 Rn Rd", Op.CRC32).valid(w -> sf(w) == (f(w, 11, 10) == 3)));
        t.add(Encoding.of("CRC32C", "sf 0 0 11010110 Rm 010 1 sz:2 Rn Rd", Op.CRC32).valid(w -> sf(w) == (f(w, 11, 10) == 3)));

        t.add(Encoding.of("RBIT", "sf 1 0 11010110 00000 000000 Rn Rd", Op.DP1));
        t.add(Encoding.of("REV16", "sf 1 0 11010110 00000 000001 Rn Rd", Op.DP1));
        t.add(Encoding.of("REV32", "sf 1 0 11010110 00000 000010 Rn Rd", Op.DP1));
        t.add(Encoding.of("REV", "1 1 0 11010110 00000 000011 Rn Rd", Op.DP1));
        t.add(Encoding.of("CLZ", "sf 1 0 11010110 00000 000100 Rn Rd", Op.DP1));
        t.add(Encoding.of("CLS", "sf 1 0 11010110 00000 000101 Rn Rd", Op.DP1));

        t.add(Encoding.of("MADD", "sf 00 11011 000 Rm 0 Ra Rn Rd", Op.MADD));
        t.add(Encoding.of("MSUB", "sf 00 11011 000 Rm 1 Ra Rn Rd", Op.MADD));
        t.add(Encoding.of("SMADDL", "1 00 11011 001 Rm 0 Ra Rn Rd", Op.MADDL));
        t.add(Encoding.of("SMSUBL", "1 00 11011 001 Rm 1 Ra Rn Rd", Op.MADDL));
        t.add(Encoding.of("UMADDL", "1 00 11011 101 Rm 0 Ra Rn Rd", Op.MADDL));
        t.add(Encoding.of("UMSUBL", "1 00 11011 101 Rm 1 Ra Rn Rd", Op.MADDL));
        t.add(Encoding.of("SMULH", "1 00 11011 010 Rm 0 xxxxx Rn Rd", Op.MULH));
        t.add(Encoding.of("UMULH", "1 00 11011 110 Rm 0 xxxxx Rn Rd", Op.MULH));
    }
}
