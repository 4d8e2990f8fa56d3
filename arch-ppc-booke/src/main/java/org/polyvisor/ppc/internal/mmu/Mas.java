package org.polyvisor.ppc.internal.mmu;

/** MAS register fields (masks from Linux mmu-e500.h). */
public final class Mas {
    private Mas() {
    }

    public static final int MAS0_TLBSEL = 0x3000_0000, MAS0_TLBSEL_SHIFT = 28, MAS0_ESEL_SHIFT = 16, MAS0_ESEL = 0x0FFF_0000, MAS0_NV = 0xFFF;
    public static final int MAS1_V = 0x8000_0000, MAS1_IPROT = 0x4000_0000, MAS1_TID_SHIFT = 16,
            MAS1_TID = 0x3FFF_0000, MAS1_TS = 0x1000, MAS1_TSIZE = 0xF80, MAS1_TSIZE_SHIFT = 7;
    /** TSIZE for 4 KiB pages (v1 value 1 at shift 8 == v2 value 2 at shift 7). */
    public static final int MAS1_TSIZE_4K = 0x100;
    public static final int MAS2_EPN = 0xFFFF_F000, MAS2_W = 0x10, MAS2_I = 0x08, MAS2_M = 0x04, MAS2_G = 0x02,
            MAS2_E = 0x01, MAS2_ATTR = 0x7F;
    public static final int MAS3_RPN = 0xFFFF_F000, MAS3_UX = 0x20, MAS3_SX = 0x10, MAS3_UW = 0x08, MAS3_SW = 0x04,
            MAS3_UR = 0x02, MAS3_SR = 0x01, MAS3_PERMS = 0x3F, MAS3_U = 0x3C0;
    public static final int MAS4_TLBSELD = 0x3000_0000, MAS4_TSIZED = 0xF80, MAS4_WIMGED = 0x7F;
    public static final int MAS5_SGS = 0x8000_0000, MAS5_SLPID = 0xFFF;
    public static final int MAS6_SPID_SHIFT = 16, MAS6_SPID = 0x3FFF_0000, MAS6_SAS = 0x1;
    public static final int MAS8_TGS = 0x8000_0000, MAS8_VF = 0x4000_0000, MAS8_TLPID = 0xFF;
}
