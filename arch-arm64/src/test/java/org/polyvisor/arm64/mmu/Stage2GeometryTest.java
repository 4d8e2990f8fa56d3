package org.polyvisor.arm64.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.polyvisor.arm64.internal.hyp.Stage2Geometry;
import org.polyvisor.arm64.internal.mmu.Stage2Walk;

/**
 * IPA size x granule -> levels, SL0, concatenated start-level tables and VTCR_EL2, as kvm_arm_setup_stage2 and
 * kvm_get_vtcr compute them ("with 4K pages we concatenate two first level page tables, with 16K pages 16": the
 * comment in kvm_arm.h; 4K/40-bit/PARange 40 = 0x80023558 is the value KVM used for every VM before 4.20).
 */
class Stage2GeometryTest {
    @ParameterizedTest(name = "{1} KiB granule, {0}-bit IPA, PARange {2}")
    @CsvSource({
        // ipa, granule KiB, parange, levels, SL0, root tables, VTCR
        "40, 4, 2, 3, 1, 2, 0x80023558",
        "32, 4, 2, 2, 0, 4, 0x80023520",
        "36, 4, 2, 3, 1, 1, 0x8002355C",
        "44, 4, 4, 4, 2, 1, 0x80043594",
        "48, 4, 5, 4, 2, 1, 0x80053590",
        "36, 16, 2, 2, 1, 1, 0x8002B55C",
        "40, 16, 2, 2, 1, 16, 0x8002B558",
        "48, 16, 5, 3, 2, 2, 0x8005B590",
        "40, 64, 2, 2, 1, 1, 0x80027558",
        "42, 64, 3, 2, 1, 1, 0x80037556",
        "48, 64, 5, 3, 2, 1, 0x80057590",
    })
    void geometryAndVtcr(int ipa, int kib, int parange, int levels, int sl0, int roots, String vtcr) {
        int g = Integer.numberOfTrailingZeros(kib * 1024);
        Stage2Geometry geo = Stage2Geometry.of(ipa, g, parange, false, false);
        assertEquals(levels, geo.levels(), "levels");
        assertEquals(sl0, (geo.vtcr() >>> 6) & 3, "SL0");
        assertEquals(roots, geo.rootTables(), "concatenated start-level tables");
        assertEquals(Long.decode(vtcr), geo.vtcr(), "VTCR_EL2 0x" + Long.toHexString(geo.vtcr()));
        // the walker reads the same start level back from SL0 and the granule from TG0
        assertEquals(4 - levels, Stage2Walk.startLevel(geo.vtcr()), "start level from SL0");
        assertEquals(g, Stage2Walk.granuleShift(geo.vtcr()), "granule from TG0");
    }

    @ParameterizedTest
    @CsvSource({"true, false, 0x800A3558", "false, true, 0x80223558"})
    void vmidSizeAndHardwareAccessFlag(boolean vmid16, boolean ha, String vtcr) {
        assertEquals(Long.decode(vtcr), Stage2Geometry.of(40, 12, 2, vmid16, ha).vtcr());
    }
}
