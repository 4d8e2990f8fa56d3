package org.polyvisor.feature.stage2.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.polyvisor.arm64.spi.Stage2Host;

/** kvm_arm_setup_stage2's validation and kvm_get_vtcr's VTCR_EL2, as a table. */
class PerVmStage2Test {
    private static Stage2Host host(int parange, boolean vmid16, boolean ha) {
        return new Stage2Host() {
            @Override
            public int parange() {
                return parange;
            }

            @Override
            public int paBits() {
                return new int[] {32, 36, 40, 42, 44, 48, 52}[parange];
            }

            @Override
            public boolean supportsGranule(int granuleShift) {
                return true;
            }

            @Override
            public boolean vmid16() {
                return vmid16;
            }

            @Override
            public boolean hardwareAccessFlag() {
                return ha;
            }
        };
    }

    private static Map<String, String> opts(String ipa, String granule) {
        Map<String, String> m = new HashMap<>();
        if (ipa != null) {
            m.put("ipa", ipa);
        }
        if (granule != null) {
            m.put("s2granule", granule);
        }
        return m;
    }

    @ParameterizedTest(name = "ipa={0} granule={1} PARange={2}")
    @CsvSource({
        // ipa, granule, parange, VTCR (levels / SL0 / concatenated tables in the comment)
        ",    , 2, 0x80023558", // absent: 40 bits, 4K: 3 levels, SL0 1, 2 tables (KVM's pre-4.20 value)
        "0,   4k, 4, 0x80043558",
        "32,  4k, 4, 0x80043520", // 2 levels, SL0 0, 4 tables
        "36,  4k, 4, 0x8004355C", // 3 levels, SL0 1, 1 table
        "44,  4k, 4, 0x80043594", // 4 levels, SL0 2
        "48,  4k, 5, 0x80053590", // 4 levels, SL0 2, 1 table
        "40,  16k, 4, 0x8004B558", // 2 levels, SL0 1, 16 tables
        "48,  16k, 5, 0x8005B590", // 3 levels, SL0 2, 2 tables
        "32,  64k, 4, 0x80047560", // 2 levels, SL0 1, 1 table
        "42,  64k, 4, 0x80047556", // 2 levels, SL0 1, 1 table
        "48,  64k, 5, 0x80057590", // 3 levels, SL0 2
    })
    void vtcrPerVm(String ipa, String granule, int parange, String vtcr) {
        assertEquals(Long.decode(vtcr), new PerVmStage2().vtcr(opts(ipa, granule), host(parange, false, false)));
    }

    @Test
    void vmidSizeAndHardwareAccessFlagFollowTheHost() {
        assertEquals(0x800A3558L | 0x20_0000L, new PerVmStage2().vtcr(opts("40", null), host(2, true, true)));
    }

    @Test
    void ipaOutsideTheHostLimitIsRefusedNamingTheLimit() {
        PerVmStage2 f = new PerVmStage2();
        Stage2Host a57 = host(4, false, false);
        assertEquals(44, f.maxIpaBits(a57));
        assertEquals(48, f.maxIpaBits(host(6, false, false)), "52-bit output addresses are not modelled");
        IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> f.vtcr(opts("45", null), a57));
        assertTrue(high.getMessage().contains("32..44") && high.getMessage().contains("at most 44"), high.getMessage());
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> f.vtcr(opts("31", null), a57));
        assertTrue(low.getMessage().contains("32..44"), low.getMessage());
        IllegalArgumentException dflt = assertThrows(IllegalArgumentException.class,
                () -> f.vtcr(opts(null, null), host(1, false, false)));
        assertTrue(dflt.getMessage().contains("limit of 36 bits"), dflt.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.vtcr(opts("forty", null), a57));
        assertThrows(IllegalArgumentException.class, () -> f.vtcr(opts("40", "8k"), a57));
    }
}
