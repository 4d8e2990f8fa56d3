package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.mmu.Stage2Walk;

/**
 * The shape of a VM's stage-2 tables and its VTCR_EL2, computed as KVM does (kvm_arm_setup_stage2, kvm_get_vtcr,
 * stage2_pgtable_levels): as few levels as the IPA size allows with up to 16 concatenated tables at the start level,
 * never fewer than 2; SL0 from the number of levels; T0SZ from the IPA size; PS from the host's PARange; inner
 * shareable, write-back write-allocate table walks.
 *
 * @param ipaBits      the VM's IPA size
 * @param granuleShift 12 (4K), 14 (16K) or 16 (64K)
 * @param levels       levels walked
 * @param startLevel   4 - levels
 * @param rootTables   concatenated tables at the start level (1..16)
 * @param vtcr         VTCR_EL2 for the VM
 */
public record Stage2Geometry(int ipaBits, int granuleShift, int levels, int startLevel, int rootTables, long vtcr) {
    /** VTCR_EL2 fields (arch/arm64/include/asm/kvm_arm.h). */
    public static final long VTCR_RES1 = 1L << 31;
    public static final long VTCR_SH0_INNER = 3L << 12;
    public static final long VTCR_ORGN0_WBWA = 1L << 10;
    public static final long VTCR_IRGN0_WBWA = 1L << 8;
    public static final long VTCR_VS_16BIT = 1L << 19;
    public static final long VTCR_HA = 1L << 21;

    /**
     * @param parange  the host's ID_AA64MMFR0_EL1.PARange (VTCR_EL2.PS)
     * @param vmid16   16-bit VMIDs (ID_AA64MMFR1_EL1.VMIDBits = 2): VTCR_EL2.VS
     * @param hwAccess hardware access flag update (ID_AA64MMFR1_EL1.HAFDBS != 0): VTCR_EL2.HA
     */
    public static Stage2Geometry of(int ipaBits, int granuleShift, int parange, boolean vmid16, boolean hwAccess) {
        int stride = granuleShift - 3;
        // stage2_pgtable_levels(ipa) = ARM64_HW_PGTABLE_LEVELS(ipa - 4): 4 bits of concatenation at the start level
        int levels = Math.max(2, (ipaBits - 4 - 4) / stride);
        int startLevel = 4 - levels;
        int rootShift = granuleShift + (levels - 1) * stride;
        int rootBits = ipaBits - rootShift;
        int rootTables = rootBits > stride ? 1 << (rootBits - stride) : 1;
        long tg0 = switch (granuleShift) {
            case 16 -> 1L;
            case 14 -> 2L;
            default -> 0L;
        };
        // VTCR_EL2_SL0(levels) = TGRAN_SL0_BASE - (4 - levels); base 2 for 4K, 3 for 16K and 64K
        long sl0 = (granuleShift == 12 ? 2 : 3) - (4 - levels);
        long vtcr = VTCR_RES1 | VTCR_SH0_INNER | VTCR_ORGN0_WBWA | VTCR_IRGN0_WBWA | (tg0 << 14)
                | ((long) (parange & 7) << 16) | (64 - ipaBits) | (sl0 << 6) | (vmid16 ? VTCR_VS_16BIT : 0)
                | (hwAccess ? VTCR_HA : 0);
        return new Stage2Geometry(ipaBits, granuleShift, levels, startLevel, rootTables, vtcr);
    }

    /**
     * The table shape a VTCR_EL2 describes (what the walker will assume): IPA size from T0SZ, granule from TG0, start
     * level from SL0.
     *
     * @throws IllegalArgumentException if SL0 and T0SZ need more than 16 concatenated tables or leave the start level
     *     empty (the walker would fault every access)
     */
    public static Stage2Geometry fromVtcr(long vtcr) {
        int ipaBits = 64 - (int) (vtcr & 0x3F);
        int g = Stage2Walk.granuleShift(vtcr);
        int stride = g - 3;
        int start = Stage2Walk.startLevel(vtcr);
        int levels = 4 - start;
        int rootBits = ipaBits - (g + (levels - 1) * stride);
        if (start < 0 || start > 3 || rootBits < 1 || rootBits > stride + 4) {
            throw new IllegalArgumentException("VTCR_EL2 0x" + Long.toHexString(vtcr) + " is inconsistent: a "
                    + ipaBits + "-bit IPA with " + (1 << g) / 1024 + " KiB granule cannot start at level " + start);
        }
        return new Stage2Geometry(ipaBits, g, levels, start, rootBits > stride ? 1 << (rootBits - stride) : 1, vtcr);
    }

    /** Bytes of the concatenated start-level tables (also their alignment: VTTBR_EL2.BADDR). */
    public long rootBytes() {
        return (long) rootTables << granuleShift;
    }
}
