package org.polyvisor.feature.spe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The SPE unit on a bare PE whose buffer is owned by EL1 (MDCR_EL2.E2PB = 0b11): code programs the unit the way
 * Linux's arm_spe_pmu does (PMBPTR, PMBLIMITR with E, PMSIRR, PMSCR), runs a loop, stops profiling, and the test
 * decodes the buffer. Expected values follow from the ARM ARM and the program: with interval I, the sampled
 * operations are the I-th, 2I-th, ... after the PMSCR write; each record's PC, class and data address follow from
 * the loop's layout (str, ldr, add, cmp, b.ne on x1 + 8).
 */
class SpeUnitTest {
    private static final long BUF = SpeRig.RAM + 0x8_0000;
    private static final long DATA = SpeRig.RAM + 0x4_0000;
    private static final int INTERVAL = 256;
    private static final int ITERATIONS = 2000;

    @Test
    void recordsDescribeEverySampledOperation() {
        try (SpeRig rig = new SpeRig().e2pb(Spe.E2PB_EL1_NO_TRAP)) {
            rig.set("PMBPTR_EL1", BUF).set("PMBLIMITR_EL1", (BUF + 0x2000) | Spe.PMBLIMITR_E)
                    .set("PMSIRR_EL1", (long) INTERVAL << Spe.PMSIRR_INTERVAL_SHIFT)
                    .set("CONTEXTIDR_EL1", 0x1234)
                    .set("PMSCR_EL1", Spe.PMSCR_E1SPE | Spe.PMSCR_PA | Spe.PMSCR_CX);
            long start = rig.loop(DATA, ITERATIONS);
            rig.msr("PMSCR_EL1", 31);                 // msr pmscr_el1, xzr: stop sampling
            rig.mrs(10, "PMBPTR_EL1").hvc();
            rig.run();
            long end = rig.core.cpu.x[10];
            List<SpeDecoder.Record> records = SpeDecoder.decode(rig.read(BUF, (int) (end - BUF)), (int) (end - BUF));
            // operations after the PMSCR write (whose hook armed the count): mov x1 (4) + movz + mov x4 (4) + loop
            long operations = SpeRig.LOOP_PREFIX + (long) SpeRig.LOOP_BODY * ITERATIONS;
            assertEquals(operations / INTERVAL, records.size(), "one record per " + INTERVAL + " operations");
            for (int k = 0; k < records.size(); k++) {
                SpeDecoder.Record r = records.get(k);
                long n = (long) INTERVAL * (k + 1);             // 1-based operation number after the PMSCR write
                int inLoop = (int) ((n - SpeRig.LOOP_PREFIX - 1) % SpeRig.LOOP_BODY);
                assertEquals(start + 4L * inLoop, r.pc(), "record " + k + " samples operation " + n);
                assertEquals(1, r.el(), "sampled at EL1");
                assertEquals(0x1234, r.context(), "CONTEXTIDR_EL1 (PMSCR.CX)");
                assertEquals(-1, r.timestamp(), "TS clear: the record ends with End");
                assertTrue((r.events() & 2) != 0, "retired");
                switch (inLoop) {
                    case 0, 1 -> {
                        assertEquals(1, r.opClass(), "load/store class");
                        assertEquals(inLoop == 0, r.store());
                        assertEquals(DATA + 8, r.dataVa());
                        assertEquals(DATA + 8, r.dataPa(), "PMSCR.PA: physical address packet (MMU off)");
                        assertEquals(6, r.totalLatency(), "issue 1 + memory 4 + translation 1");
                    }
                    case 4 -> {
                        assertEquals(2, r.opClass(), "branch class");
                        assertEquals(1, r.opDetail() & 1, "conditional");
                        assertEquals(start, r.target(), "taken back to the loop start");
                    }
                    default -> {
                        assertEquals(0, r.opClass());
                        assertEquals(-1, r.dataVa());
                        assertEquals(2, r.totalLatency());
                    }
                }
            }
            assertEquals(0, rig.reg("PMBSR_EL1"), "no service event");
            assertTrue(rig.ppi.isEmpty(), "no PMBIRQ");
        }
    }

    @Test
    void aFullBufferStopsCollectionAndRaisesPmbirq() {
        try (SpeRig rig = new SpeRig().e2pb(Spe.E2PB_EL1_NO_TRAP)) {
            long limit = BUF + 0x1000;
            long ptr = limit - 3 * Spe.MAX_RECORD + 8;          // room for two records of the maximum size
            rig.set("PMBPTR_EL1", ptr).set("PMBLIMITR_EL1", limit | Spe.PMBLIMITR_E)
                    .set("PMSIRR_EL1", (long) INTERVAL << Spe.PMSIRR_INTERVAL_SHIFT)
                    .set("PMSCR_EL1", Spe.PMSCR_E1SPE | Spe.PMSCR_TS);
            rig.loop(DATA, ITERATIONS);
            rig.hvc();
            rig.run();
            long pmbsr = rig.reg("PMBSR_EL1");
            assertEquals(Spe.PMBSR_S | Spe.BSC_FULL, pmbsr, "S set, EC = buffer management, BSC = buffer full");
            assertEquals(List.of(Spe.PMBIRQ * 2 + 1), rig.ppi, "PMBIRQ (PPI 21) asserted once");
            long end = rig.reg("PMBPTR_EL1");
            List<SpeDecoder.Record> records = SpeDecoder.decode(rig.read(ptr, (int) (end - ptr)), (int) (end - ptr));
            assertTrue(records.size() >= 2 && end + Spe.MAX_RECORD > limit,
                    "records until a maximum-size one no longer fits: " + records.size() + " ending at 0x"
                            + Long.toHexString(end));
            assertTrue(records.stream().allMatch(r -> r.timestamp() >= 0), "PMSCR.TS: each ends with a timestamp");
            assertEquals(0, rig.core.sampling().remaining(), "collection stopped while PMBSR.S is set");
        }
    }
}
