package org.polyvisor.feature.spe.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The two buffer owners: the hypervisor-owned copy buffer (MDCR_EL2.E2PB = 0b00, the registers written by the
 * hypervisor's emulation of the trapped accesses) holds records until the guest looks, and a buffer owned by EL1
 * whose pages the guest's stage 1 does not map reports a stage-1 fault in PMBSR_EL1 with PMBPTR_EL1 at the faulting
 * address (ARM ARM D10, "Profiling Buffer management": EC = 0x24, MSS = the fault status code).
 */
class SpeBufferTest {
    private static final long BUF = SpeRig.RAM + 0x8_0000;
    private static final long DATA = SpeRig.RAM + 0x4_0000;

    @Test
    void theCopyBufferFillsTheGuestBufferWhenTheGuestLooks() {
        try (SpeRig rig = new SpeRig().e2pb(Spe.E2PB_EL2)) {
            rig.hypWrite("PMBPTR_EL1", BUF);
            rig.hypWrite("PMBLIMITR_EL1", (BUF + 0x4000) | Spe.PMBLIMITR_E);
            rig.hypWrite("PMSIRR_EL1", 256L << Spe.PMSIRR_INTERVAL_SHIFT);
            rig.hypWrite("PMSCR_EL1", Spe.PMSCR_E1SPE);
            rig.loop(DATA, 1000);
            rig.hvc();
            rig.run();
            SpeUnit unit = (SpeUnit) rig.core.sampling().sampler();
            int held = unit.buffer.pending();
            assertTrue(held > 0, "records held in the hypervisor's buffer");
            assertArrayEquals(new byte[held], rig.read(BUF, held), "the guest's buffer untouched so far");
            assertEquals(BUF, rig.reg("PMBPTR_EL1"), "storage not advanced yet");

            long ptr = rig.hypRead("PMBPTR_EL1"); // the guest's trapped MRS: drained first
            assertEquals(BUF + held, ptr);
            assertEquals(0, unit.buffer.pending());
            assertEquals(1, unit.buffer.copies);
            List<SpeDecoder.Record> records = SpeDecoder.decode(rig.read(BUF, held), held);
            assertEquals(unit.records, records.size(), "every record copied once");
        }
    }

    @Test
    void anUnmappedBufferPageIsAStage1Fault() {
        try (SpeRig rig = new SpeRig().e2pb(Spe.E2PB_EL1_NO_TRAP)) {
            long l1 = SpeRig.RAM + 0xC_0000;
            long l2 = SpeRig.RAM + 0xC_1000;
            // 4K granule, 39-bit VA (T0SZ 25): L1[1] -> L2; L2[0] maps 0x4000_0000 (2 MiB block, normal memory, AF);
            // the buffer at 0x4020_0000 (L2[1]) is not mapped.
            rig.write64(l1 + 8, l2 | 3);
            rig.write64(l2, SpeRig.RAM | (1L << 10) | 1);
            long unmapped = 0x4020_0000L;
            rig.core.setRaw("MAIR_EL1", 0xFF);
            rig.core.setRaw("TCR_EL1", 25 | (1L << 23)); // T0SZ 25, EPD1
            rig.core.setRaw("TTBR0_EL1", l1);
            rig.core.setRaw("SCTLR_EL1", rig.core.raw("SCTLR_EL1") | 1);
            rig.core.translationChanged();
            rig.set("PMBPTR_EL1", unmapped).set("PMBLIMITR_EL1", (unmapped + 0x1000) | Spe.PMBLIMITR_E)
                    .set("PMSIRR_EL1", 256L << Spe.PMSIRR_INTERVAL_SHIFT).set("PMSCR_EL1", Spe.PMSCR_E1SPE);
            rig.loop(DATA, 1000);
            rig.hvc();
            rig.run();
            long pmbsr = rig.reg("PMBSR_EL1");
            assertEquals(Spe.PMBSR_S, pmbsr & Spe.PMBSR_S, "service state");
            assertEquals(Spe.EC_FAULT_S1, (int) (pmbsr >>> Spe.PMBSR_EC_SHIFT) & 0x3F, "stage-1 fault");
            assertEquals(0x06, pmbsr & 0x3F, "translation fault at level 2");
            assertEquals(unmapped, rig.reg("PMBPTR_EL1"), "PMBPTR at the faulting address");
            assertEquals(List.of(Spe.PMBIRQ * 2 + 1), rig.ppi, "PMBIRQ asserted");
        }
    }
}
