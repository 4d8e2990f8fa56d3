package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmException;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.VheDaif;
import org.polyvisor.spi.ArchOption;

/** Option vhe.daif: declared with its default, validated with a message naming the option and the allowed values. */
class VheDaifOptionTest {
    @Test
    void declaredWithUpstreamAsDefault() {
        ArchOption o = new Arm64Architecture().capabilities().options().stream()
                .filter(x -> x.name().equals("vhe.daif")).findFirst()
                .orElseThrow(() -> new AssertionError("vhe.daif is not among the declared options"));
        assertEquals("upstream", o.defaultValue());
        assertEquals("upstream|leak|saverestore|clear-d-a-f", o.values());
    }

    @Test
    void defaultIsUpstream() {
        try (DaifRig absent = new DaifRig("vhe", null); DaifRig given = new DaifRig("vhe", "clear-d-a-f")) {
            assertEquals(VheDaif.UPSTREAM, absent.hw.vheDaif());
            assertEquals(VheDaif.CLEAR_DAF, given.hw.vheDaif());
        }
    }

    @Test
    void unknownValueNamesTheOptionAndTheAllowedValues() {
        VmException e = assertThrows(VmException.class, () -> new DaifRig("vhe", "sometimes"));
        assertEquals("arm64: option vhe.daif=sometimes is invalid; allowed: upstream, leak, saverestore, clear-d-a-f",
                e.getMessage());
    }

    @Test
    void refusedOnNvheWithTheReason() {
        VmException e = assertThrows(VmException.class, () -> new DaifRig("nvhe", "upstream"));
        assertTrue(e.getMessage().contains("vhe.daif=upstream applies only to host=vhe"), e.getMessage());
        assertTrue(e.getMessage().contains("SPSR_EL2"), e.getMessage());
    }
}
