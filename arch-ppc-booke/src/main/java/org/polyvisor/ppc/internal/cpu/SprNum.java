package org.polyvisor.ppc.internal.cpu;

/** SPR numbers used by code (the full list with access rules is {@link SprTable}). */
public final class SprNum {
    private SprNum() {
    }

    public static final int XER = 1, LR = 8, CTR = 9, DEC = 22, SRR0 = 26, SRR1 = 27, PID = 48, DECAR = 54,
            CSRR0 = 58, CSRR1 = 59, DEAR = 61, ESR = 62, IVPR = 63, USPRG0 = 256, SPRG3R = 259, TBL_R = 268,
            TBU_R = 269, SPRG0 = 272, SPRG3 = 275, SPRG4 = 276, SPRG7 = 279, TBL_W = 284, TBU_W = 285, PIR = 286,
            PVR = 287, DBSR = 304, EPCR = 307, DBCR0 = 308, MSRP = 311, TSR = 336, LPIDR = 338, MAS5 = 339,
            TCR = 340, MAS8 = 341, GSPRG0 = 368, GSPRG3 = 371, GSRR0 = 378, GSRR1 = 379, GEPR = 380, GDEAR = 381,
            GPIR = 382, GESR = 383, IVOR0 = 400, IVOR15 = 415, GIVOR2 = 440, GIVOR3 = 441, GIVOR4 = 442,
            GIVOR8 = 443, GIVOR13 = 444, GIVOR14 = 445, GIVPR = 447, MCSRR0 = 570, MCSRR1 = 571, MAS0 = 624,
            MAS1 = 625, MAS2 = 626, MAS3 = 627, MAS4 = 628, MAS6 = 630, TLB0CFG = 688, TLB1CFG = 689, EPR = 702,
            MAS7 = 944, EPLC = 947, EPSC = 948, MMUCSR0 = 1012, MMUCFG = 1015, SVR = 1023;

    /** EPCR bits. */
    public static final int EPCR_EXTGS = 0x8000_0000, EPCR_DTLBGS = 0x4000_0000, EPCR_ITLBGS = 0x2000_0000,
            EPCR_DSIGS = 0x1000_0000, EPCR_ISIGS = 0x0800_0000, EPCR_DUVD = 0x0400_0000, EPCR_DGTMI = 0x0080_0000;
    /** EPLC / EPSC bits. */
    public static final int EPC_EPR = 0x8000_0000, EPC_EAS = 0x4000_0000, EPC_EGS = 0x2000_0000,
            EPC_ELPID = 0x00FF_0000, EPC_EPID = 0x0000_3FFF;
    /** TCR / TSR bits. */
    public static final int TCR_DIE = 0x0400_0000, TCR_ARE = 0x0040_0000, TSR_DIS = 0x0800_0000;
    /** XER bits. */
    public static final int XER_SO = 0x8000_0000, XER_OV = 0x4000_0000, XER_CA = 0x2000_0000;
    /** ISA 3.0 32-bit overflow and carry copies: not in the e500mc, QEMU drops them on mtxer. */
    public static final int XER_OV32 = 0x0008_0000, XER_CA32 = 0x0004_0000;
}
