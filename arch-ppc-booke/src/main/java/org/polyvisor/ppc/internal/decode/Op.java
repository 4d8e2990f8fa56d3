package org.polyvisor.ppc.internal.decode;

/**
 * Operation ids: dense small ints so that the interpreter dispatches with one tableswitch. Grouped like the exec
 * classes that implement them. 0 is "illegal" so an empty decode slot needs no initialisation.
 */
public final class Op {
    private Op() {
    }

    public static final int ILLEGAL = 0;
    // integer arithmetic (IntArith)
    public static final int ADDI = 1, ADDIS = 2, ADDIC = 3, ADDIC_ = 4, SUBFIC = 5, ADD = 6, ADDC = 7, ADDE = 8,
            ADDME = 9, ADDZE = 10, SUBF = 11, SUBFC = 12, SUBFE = 13, SUBFME = 14, SUBFZE = 15, NEG = 16,
            CMPI = 17, CMPLI = 18, CMP = 19, CMPL = 20, TWI = 21, TW = 22;
    // multiply / divide (MulDiv)
    public static final int MULLI = 25, MULLW = 26, MULHW = 27, MULHWU = 28, DIVW = 29, DIVWU = 30;
    // logic, shifts, rotates (Logic)
    public static final int ORI = 33, ORIS = 34, XORI = 35, XORIS = 36, ANDI_ = 37, ANDIS_ = 38, AND = 39, ANDC = 40,
            OR = 41, ORC = 42, XOR = 43, NAND = 44, NOR = 45, EQV = 46, EXTSB = 47, EXTSH = 48, CNTLZW = 49,
            SLW = 50, SRW = 51, SRAW = 52, SRAWI = 53, RLWIMI = 54, RLWINM = 55, RLWNM = 56;
    // loads and stores (LoadStore)
    public static final int LWZ = 60, LWZU = 61, LBZ = 62, LBZU = 63, LHZ = 64, LHZU = 65, LHA = 66, LHAU = 67,
            STW = 68, STWU = 69, STB = 70, STBU = 71, STH = 72, STHU = 73, LMW = 74, STMW = 75, LWZX = 76,
            LWZUX = 77, LBZX = 78, LBZUX = 79, LHZX = 80, LHZUX = 81, LHAX = 82, LHAUX = 83, STWX = 84, STWUX = 85,
            STBX = 86, STBUX = 87, STHX = 88, STHUX = 89, LWBRX = 90, LHBRX = 91, STWBRX = 92, STHBRX = 93,
            LWARX = 94, STWCX_ = 95, LWEPX = 96, STWEPX = 97, LBEPX = 98, STBEPX = 99, DCBZ = 100;
    // branches and condition register (Branch)
    public static final int B = 105, BC = 106, BCLR = 107, BCCTR = 108, MCRF = 109, CRAND = 110, CROR = 111,
            CRXOR = 112, CRNAND = 113, CRNOR = 114, CREQV = 115, CRANDC = 116, CRORC = 117, ISEL = 118, MFCR = 119,
            MTCRF = 120, MCRXR = 121;
    // system (SystemOps)
    public static final int SC = 125, RFI = 126, RFCI = 127, RFMCI = 128, RFGI = 129, MFMSR = 130, MTMSR = 131,
            WRTEE = 132, WRTEEI = 133, MFSPR = 134, MTSPR = 135, MFTB = 136, EHPRIV = 137, WAIT = 138,
            MSGSND = 139, MSGCLR = 140, NOP_SYNC = 141, NOP_CACHE = 142, NOP_PRIV_CACHE = 143;
    // TLB management (TlbOps)
    public static final int TLBWE = 150, TLBRE = 151, TLBSX = 152, TLBIVAX = 153, TLBILX = 154, TLBSYNC = 155;
    public static final int COUNT = 160;
}
