package org.polyvisor.feature.stage2.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.arm64.spi.Stage2Configurator;
import org.polyvisor.arm64.spi.Stage2Host;

/**
 * Per-VM IPA size and VTCR_EL2, as Linux 4.20 made them ("kvm: arm64: Dynamic & 52bit IPA support", with "KVM: arm64:
 * Configure VTCR per VM"): the VM's IPA size is validated as kvm_arm_setup_stage2 does (0 means the historical 40
 * bits; below 32 or above the host's limit is refused), and VTCR_EL2 is computed as kvm_get_vtcr: T0SZ from the IPA
 * size, SL0 from the number of levels (stage2_pgtable_levels: up to 16 concatenated tables at the start level, at
 * least 2 levels), TG0 from the granule, PS from the sanitised PARange, inner-shareable write-back walks, VS for
 * 16-bit VMIDs and HA where every CPU updates the access flag. The architecture builds the tables from that VTCR and
 * loads it with VTTBR_EL2 on every entry and for TLB maintenance on the VM's behalf.
 */
@Component
public final class PerVmStage2 implements Stage2Configurator {
    /** KVM_PHYS_SHIFT: the IPA size of a VM that asks for none. */
    static final int DEFAULT_IPA = 40;
    /** ARM64_MIN_PARANGE_BITS. */
    static final int MIN_IPA = 32;
    /** Output addresses beyond 48 bits (FEAT_LPA, LPA2) are not modelled by the CPU's walker. */
    static final int MODEL_MAX_IPA = 48;

    private static final long VTCR_RES1 = 1L << 31;
    private static final long VTCR_SH0_INNER = 3L << 12;
    private static final long VTCR_ORGN0_WBWA = 1L << 10;
    private static final long VTCR_IRGN0_WBWA = 1L << 8;
    private static final int VTCR_TG0_SHIFT = 14;
    private static final int VTCR_PS_SHIFT = 16;
    private static final int VTCR_SL0_SHIFT = 6;
    private static final long VTCR_VS_16BIT = 1L << 19;
    private static final long VTCR_HA = 1L << 21;

    @Override
    public int maxIpaBits(Stage2Host host) {
        // kvm_set_ipa_limit: the sanitised PARange; 52 bits need LPA with 64K pages (or LPA2), not modelled here
        return Math.min(host.paBits(), MODEL_MAX_IPA);
    }

    @Override
    public long vtcr(Map<String, String> options, Stage2Host host) {
        int granule = granuleShift(options.get(OPTION_GRANULE));
        if (!host.supportsGranule(granule)) {
            throw new IllegalArgumentException("option " + OPTION_GRANULE + "=" + options.get(OPTION_GRANULE)
                    + ": the host's CPUs do not implement that granule at stage 2");
        }
        int limit = maxIpaBits(host);
        String requested = options.get(OPTION_IPA);
        int ipa = requested == null ? 0 : parseBits(requested);
        if (ipa == 0) {
            ipa = DEFAULT_IPA;
            if (ipa > limit) {
                throw new IllegalArgumentException("the default " + DEFAULT_IPA + "-bit IPA is above this host's limit"
                        + " of " + limit + " bits; ask for ipa=" + MIN_IPA + ".." + limit);
            }
        } else if (ipa < MIN_IPA || ipa > limit) {
            throw new IllegalArgumentException("option ipa=" + requested + " is outside " + MIN_IPA + ".." + limit
                    + " bits: the host's physical CPUs allow at most " + limit + " (PARange " + host.paBits()
                    + " bits" + (host.paBits() > MODEL_MAX_IPA ? ", 52-bit output addresses not modelled" : "")
                    + ")");
        }
        int stride = granule - 3;
        int levels = Math.max(2, (ipa - 4 - 4) / stride); // stage2_pgtable_levels(ipa) = HW_PGTABLE_LEVELS(ipa - 4)
        long sl0 = (granule == 12 ? 2 : 3) - (4 - levels); // VTCR_EL2_SL0(levels): TGRAN_SL0_BASE - (4 - levels)
        long tg0 = switch (granule) {
            case 16 -> 1;
            case 14 -> 2;
            default -> 0;
        };
        return VTCR_RES1 | VTCR_SH0_INNER | VTCR_ORGN0_WBWA | VTCR_IRGN0_WBWA | (tg0 << VTCR_TG0_SHIFT)
                | ((long) host.parange() << VTCR_PS_SHIFT) | (64 - ipa) | (sl0 << VTCR_SL0_SHIFT)
                | (host.vmid16() ? VTCR_VS_16BIT : 0) | (host.hardwareAccessFlag() ? VTCR_HA : 0);
    }

    private static int parseBits(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option ipa=" + s + " is not a number of bits (32..48, or 0 for 40)");
        }
    }

    private static int granuleShift(String s) {
        if (s == null) {
            return 12;
        }
        return switch (s.trim().toLowerCase()) {
            case "4k" -> 12;
            case "16k" -> 14;
            case "64k" -> 16;
            default -> throw new IllegalArgumentException("option " + OPTION_GRANULE + "=" + s
                    + " is not a granule: use 4k, 16k or 64k");
        };
    }
}
