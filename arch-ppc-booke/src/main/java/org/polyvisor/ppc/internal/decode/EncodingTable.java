package org.polyvisor.ppc.internal.decode;

import static org.polyvisor.ppc.internal.decode.Form.*;
import static org.polyvisor.ppc.internal.decode.Op.*;

import java.util.List;

/**
 * The e500mc integer instruction set as data: one entry per encoding (as GCC 12 emits for -mcpu=e500mc -msoft-float,
 * plus the Book E / Embedded.Hypervisor system instructions). Not implemented, listed so the gap is visible:
 * string loads/stores lswi/lswx/stswi/stswx (31/597, 533, 725, 661; GCC emits them only with -mstring),
 * FP loads/stores 48-55 and opcode 59/63 (soft-float), mfpmr/mtpmr (31/334, 462), rfdi (19/39), dcba (31/758),
 * icbt (31/22), dcblc/icblc cache locking beyond no-ops, SPE (opcode 4, not on e500mc).
 */
public final class EncodingTable {
    private EncodingTable() {
    }

    private static Encoding e(String m, int p, int xo, Form f, int op) {
        return new Encoding(m, p, xo, f, op);
    }

    public static final List<Encoding> ALL = List.of(
            // ---- primary opcodes (D, I, B, SC, M forms)
            e("twi", 3, -1, D, TWI), e("mulli", 7, -1, D, MULLI), e("subfic", 8, -1, D, SUBFIC),
            e("cmpli", 10, -1, D, CMPLI), e("cmpi", 11, -1, D, CMPI), e("addic", 12, -1, D, ADDIC),
            e("addic.", 13, -1, D, ADDIC_), e("addi", 14, -1, D, ADDI), e("addis", 15, -1, D, ADDIS),
            e("bc", 16, -1, Form.B, BC), e("sc", 17, -1, Form.SC, Op.SC), e("b", 18, -1, I, Op.B),
            e("rlwimi", 20, -1, M, RLWIMI), e("rlwinm", 21, -1, M, RLWINM), e("rlwnm", 23, -1, M, RLWNM),
            e("ori", 24, -1, D, ORI), e("oris", 25, -1, D, ORIS), e("xori", 26, -1, D, XORI),
            e("xoris", 27, -1, D, XORIS), e("andi.", 28, -1, D, ANDI_), e("andis.", 29, -1, D, ANDIS_),
            e("lwz", 32, -1, D, LWZ), e("lwzu", 33, -1, D, LWZU), e("lbz", 34, -1, D, LBZ), e("lbzu", 35, -1, D, LBZU),
            e("stw", 36, -1, D, STW), e("stwu", 37, -1, D, STWU), e("stb", 38, -1, D, STB), e("stbu", 39, -1, D, STBU),
            e("lhz", 40, -1, D, LHZ), e("lhzu", 41, -1, D, LHZU), e("lha", 42, -1, D, LHA), e("lhau", 43, -1, D, LHAU),
            e("sth", 44, -1, D, STH), e("sthu", 45, -1, D, STHU), e("lmw", 46, -1, D, LMW), e("stmw", 47, -1, D, STMW),
            // ---- opcode 19 (XL form)
            e("mcrf", 19, 0, XL, MCRF), e("bclr", 19, 16, XL, BCLR), e("crnor", 19, 33, XL, CRNOR),
            e("rfmci", 19, 38, XL, RFMCI), e("rfi", 19, 50, XL, RFI), e("rfci", 19, 51, XL, RFCI),
            e("rfgi", 19, 102, XL, RFGI), e("crandc", 19, 129, XL, CRANDC), e("isync", 19, 150, XL, NOP_SYNC),
            e("crxor", 19, 193, XL, CRXOR), e("crnand", 19, 225, XL, CRNAND), e("crand", 19, 257, XL, CRAND),
            e("creqv", 19, 289, XL, CREQV), e("crorc", 19, 417, XL, CRORC), e("cror", 19, 449, XL, CROR),
            e("bcctr", 19, 528, XL, BCCTR),
            // ---- opcode 31, X / XFX forms (10-bit XO)
            e("cmp", 31, 0, X, CMP), e("tw", 31, 4, X, TW), e("tlbilx", 31, 18, X, TLBILX), e("mfcr", 31, 19, XFX, MFCR),
            e("lwarx", 31, 20, X, LWARX), e("lwzx", 31, 23, X, LWZX), e("slw", 31, 24, X, SLW),
            e("cntlzw", 31, 26, X, CNTLZW), e("and", 31, 28, X, AND), e("lwepx", 31, 31, X, LWEPX),
            e("cmpl", 31, 32, X, CMPL), e("dcbst", 31, 54, X, NOP_CACHE), e("lwzux", 31, 55, X, LWZUX),
            e("andc", 31, 60, X, ANDC), e("wait", 31, 62, X, WAIT), e("mfmsr", 31, 83, X, MFMSR),
            e("dcbf", 31, 86, X, NOP_CACHE), e("lbzx", 31, 87, X, LBZX), e("lbepx", 31, 95, X, LBEPX),
            e("lbzux", 31, 119, X, LBZUX), e("nor", 31, 124, X, NOR), e("wrtee", 31, 131, X, WRTEE),
            e("mtcrf", 31, 144, XFX, MTCRF), e("mtmsr", 31, 146, X, MTMSR), e("stwcx.", 31, 150, X, STWCX_),
            e("stwx", 31, 151, X, STWX), e("stwepx", 31, 159, X, STWEPX), e("wrteei", 31, 163, X, WRTEEI),
            e("dcbtls", 31, 166, X, NOP_CACHE), e("stwux", 31, 183, X, STWUX), e("msgsnd", 31, 206, X, MSGSND),
            e("stbx", 31, 215, X, STBX), e("stbepx", 31, 223, X, STBEPX), e("icblc", 31, 230, X, NOP_CACHE),
            e("msgclr", 31, 238, X, MSGCLR), e("dcbtst", 31, 246, X, NOP_CACHE), e("stbux", 31, 247, X, STBUX),
            e("ehpriv", 31, 270, X, EHPRIV), e("dcbt", 31, 278, X, NOP_CACHE), e("lhzx", 31, 279, X, LHZX),
            e("eqv", 31, 284, X, EQV), e("lhzux", 31, 311, X, LHZUX), e("xor", 31, 316, X, XOR),
            e("mfspr", 31, 339, XFX, MFSPR), e("lhax", 31, 343, X, LHAX), e("mftb", 31, 371, XFX, MFTB),
            e("lhaux", 31, 375, X, LHAUX), e("sthx", 31, 407, X, STHX), e("orc", 31, 412, X, ORC),
            e("sthux", 31, 439, X, STHUX), e("or", 31, 444, X, OR), e("mtspr", 31, 467, XFX, MTSPR),
            e("dcbi", 31, 470, X, NOP_PRIV_CACHE), e("nand", 31, 476, X, NAND), e("icbtls", 31, 486, X, NOP_CACHE),
            e("mcrxr", 31, 512, X, MCRXR), e("lwbrx", 31, 534, X, LWBRX), e("srw", 31, 536, X, SRW),
            e("tlbsync", 31, 566, X, TLBSYNC), e("sync", 31, 598, X, NOP_SYNC), e("stwbrx", 31, 662, X, STWBRX),
            e("tlbivax", 31, 786, X, TLBIVAX), e("lhbrx", 31, 790, X, LHBRX), e("sraw", 31, 792, X, SRAW),
            e("srawi", 31, 824, X, SRAWI), e("mbar", 31, 854, X, NOP_SYNC), e("tlbsx", 31, 914, X, TLBSX),
            e("sthbrx", 31, 918, X, STHBRX), e("extsh", 31, 922, X, EXTSH), e("tlbre", 31, 946, X, TLBRE),
            e("extsb", 31, 954, X, EXTSB), e("tlbwe", 31, 978, X, TLBWE), e("icbi", 31, 982, X, NOP_CACHE),
            e("dcbz", 31, 1014, X, DCBZ),
            // ---- opcode 31, XO form (9-bit XO; OE=1 twins at xo + 512 except mulhw/mulhwu)
            e("subfc", 31, 8, XO, SUBFC), e("addc", 31, 10, XO, ADDC), e("mulhwu", 31, 11, X, MULHWU),
            e("subf", 31, 40, XO, SUBF), e("mulhw", 31, 75, X, MULHW), e("neg", 31, 104, XO, NEG),
            e("subfe", 31, 136, XO, SUBFE), e("adde", 31, 138, XO, ADDE), e("subfze", 31, 200, XO, SUBFZE),
            e("addze", 31, 202, XO, ADDZE), e("subfme", 31, 232, XO, SUBFME), e("addme", 31, 234, XO, ADDME),
            e("mullw", 31, 235, XO, MULLW), e("add", 31, 266, XO, ADD), e("divwu", 31, 459, XO, DIVWU),
            e("divw", 31, 491, XO, DIVW),
            // ---- opcode 31, A form: isel, XO 15 in bits 26:30 (the BC field fills the rest of the 10-bit XO)
            e("isel", 31, 15, A, ISEL));
}
