package org.polyvisor.arm64.internal.mmu;

/**
 * The stage-2 translation table walk (ARM ARM D8, "The AArch64 Virtual Memory System Architecture": stage 2
 * translation), reading real descriptors from {@link HostMemory}: the entry-level table from VTTBR_EL2.BADDR; input
 * size, granule, start level and output size from VTCR_EL2.T0SZ, TG0, SL0 and PS; up to 16 concatenated tables at the
 * start level; block and page descriptors; S2AP and XN; the access flag. Runs only on a TLB miss.
 *
 * <p>A fault leaves its fault status code (DFSC/IFSC: translation 0x04+level, access flag 0x08+level, permission
 * 0x0C+level, address size 0x00+level, external abort on the walk 0x14+level) in {@link #faultStatus}; the caller
 * takes it to EL2 with HPFAR_EL2 = the IPA.
 */
public final class Stage2Walk {
    /** The walk faulted: {@link #faultStatus} says how and where. */
    public static final long FAULT = -1L;

    /** VTCR_EL2 fields (ARM ARM D19, VTCR_EL2). */
    public static final int VTCR_T0SZ_MASK = 0x3F;
    public static final int VTCR_SL0_SHIFT = 6;
    public static final int VTCR_TG0_SHIFT = 14;
    public static final int VTCR_PS_SHIFT = 16;
    /** VTTBR_EL2.BADDR, bits 47:1 (bit 0 is CnP). */
    public static final long VTTBR_BADDR_MASK = 0x0000_FFFF_FFFF_FFFEL;
    public static final int VTTBR_VMID_SHIFT = 48;

    /** Stage-2 descriptor bits (ARM ARM D8, "Stage 2 Block and Page descriptor attributes"). */
    public static final long DESC_VALID = 1L;
    public static final long DESC_TABLE = 2L;
    public static final long S2AP_R = 1L << 6;
    public static final long S2AP_W = 1L << 7;
    public static final long DESC_AF = 1L << 10;
    public static final long DESC_XN = 1L << 54;
    static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;

    public static final int FSC_ADDRESS_SIZE = 0x00;
    public static final int FSC_TRANSLATION = 0x04;
    public static final int FSC_ACCESS_FLAG = 0x08;
    public static final int FSC_PERMISSION = 0x0C;
    public static final int FSC_EXTERNAL_WALK = 0x14;

    private final HostMemory host;
    /** FSC of the last fault, including the level. */
    public int faultStatus;
    /** Size of the last successful leaf (page or block) in bits: the TLB may cache it as 4K pieces. */
    public int leafShift;
    /** The last successful leaf descriptor: its S2AP and XN bound what the TLB may cache for the page. */
    public long leafDesc;

    public Stage2Walk(HostMemory host) {
        this.host = host;
    }

    /** Physical address sizes by PARange/PS encoding (ARM ARM D19, ID_AA64MMFR0_EL1.PARange). */
    public static int paBits(int ps) {
        return switch (ps) {
            case 0 -> 32;
            case 1 -> 36;
            case 2 -> 40;
            case 3 -> 42;
            case 4 -> 44;
            case 5 -> 48;
            default -> 52;
        };
    }

    /** Granule shift for VTCR_EL2.TG0 (0 = 4K, 1 = 64K, 2 = 16K; 3 reserved, treated as 4K as on most PEs). */
    public static int granuleShift(long vtcr) {
        return switch ((int) (vtcr >>> VTCR_TG0_SHIFT) & 3) {
            case 1 -> 16;
            case 2 -> 14;
            default -> 12;
        };
    }

    /** Start level from SL0 and the granule (kvm_arm.h: 4K SL0 2/1/0 = level 0/1/2; 16K, 64K 2/1/0 = 1/2/3). */
    public static int startLevel(long vtcr) {
        int sl0 = (int) (vtcr >>> VTCR_SL0_SHIFT) & 3;
        return granuleShift(vtcr) == 12 ? 2 - sl0 : 3 - sl0;
    }

    /**
     * Translates an IPA for an access.
     *
     * @param exec  an instruction fetch
     * @param el0   the access is made at EL0 (for XN[0] with FEAT_XNX: not modelled, the Cortex-A57 has only XN[1])
     * @return the host physical address, or {@link #FAULT}
     */
    public long translate(long vttbr, long vtcr, long ipa, boolean write, boolean exec, boolean el0) {
        int inputSize = 64 - (int) (vtcr & VTCR_T0SZ_MASK);
        int g = granuleShift(vtcr);
        int stride = g - 3;
        int level = startLevel(vtcr);
        if (level < 0 || inputSize > 52 || inputSize < 16 || (ipa >>> inputSize) != 0) {
            // an IPA beyond the input size, or a start level the granule does not have: translation fault, level 0
            return fault(FSC_TRANSLATION, 0);
        }
        int paBits = Math.min(paBits((int) (vtcr >>> VTCR_PS_SHIFT) & 7), host.paBits());
        long table = vttbr & VTTBR_BADDR_MASK;
        int shift = g + (3 - level) * stride;
        int firstBits = inputSize - shift;
        if (firstBits < 1 || firstBits > stride + 4) {
            // SL0 and T0SZ disagree beyond what 16 concatenated tables cover (ARM ARM: treated as a level-0 fault)
            return fault(FSC_TRANSLATION, level);
        }
        long index = (ipa >>> shift) & ((1L << firstBits) - 1);
        long desc;
        while (true) {
            desc = host.readDescriptor(table + index * 8);
            if (desc == HostMemory.NOT_MEMORY) {
                return fault(FSC_EXTERNAL_WALK, level);
            }
            if ((desc & DESC_VALID) == 0) {
                return fault(FSC_TRANSLATION, level);
            }
            boolean tableOrPage = (desc & DESC_TABLE) != 0;
            if (level == 3) {
                if (!tableOrPage) {
                    return fault(FSC_TRANSLATION, level); // 0b01 at level 3 is reserved
                }
                break;
            }
            if (!tableOrPage) {
                // blocks: 4K at levels 1 and 2, 16K and 64K at level 2 (level 1 needs 52-bit output, not modelled)
                if (g == 12 ? level == 0 : level != 2) {
                    return fault(FSC_TRANSLATION, level);
                }
                break;
            }
            table = desc & OA_MASK & ~((1L << g) - 1);
            if ((table >>> paBits) != 0) {
                return fault(FSC_ADDRESS_SIZE, level);
            }
            level++;
            shift -= stride;
            index = (ipa >>> shift) & ((1L << stride) - 1);
        }
        long blockMask = (1L << shift) - 1;
        long oa = desc & OA_MASK & ~blockMask;
        if ((oa >>> paBits) != 0) {
            return fault(FSC_ADDRESS_SIZE, level);
        }
        if ((desc & DESC_AF) == 0) {
            return fault(FSC_ACCESS_FLAG, level);
        }
        // an instruction fetch is checked against XN only (AArch64.CheckS2Permission)
        boolean allowed = exec ? (desc & DESC_XN) == 0
                : write ? (desc & S2AP_W) != 0 : (desc & S2AP_R) != 0;
        if (!allowed) {
            return fault(FSC_PERMISSION, level);
        }
        leafShift = shift;
        leafDesc = desc;
        return oa | (ipa & blockMask);
    }

    private long fault(int fsc, int level) {
        faultStatus = fsc + level;
        return FAULT;
    }
}
