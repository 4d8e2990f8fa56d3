package org.polyvisor.feature.spe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.machine.gic.GicV3;
import org.polyvisor.spi.StateSnapshot;

/**
 * A profiling PE's state moved to a new machine with a new revision of the register table in the middle of its
 * workload (what a snapshot restore or a feature-spe update does): the copy buffer is drained at export and the
 * countdown travels in PMSICR_EL1.COUNT, so the records in the guest's buffer are exactly those of an uninterrupted
 * run: the k-th record samples operation 256 (k + 1), none lost, none repeated.
 */
class SpeSwapTest {
    private static final long BUF = SpeRig.RAM + 0x8_0000;
    private static final long DATA = SpeRig.RAM + 0x4_0000;
    private static final int INTERVAL = 256;
    private static final int ITERATIONS = 2000;

    @Test
    void recordsContinueAcrossAStateMoveWithoutLossOrRepeat() {
        try (SpeRig before = new SpeRig().e2pb(Spe.E2PB_EL2)) {
            before.hypWrite("PMBPTR_EL1", BUF);
            before.hypWrite("PMBLIMITR_EL1", (BUF + 0x8000) | Spe.PMBLIMITR_E);
            before.hypWrite("PMSIRR_EL1", (long) INTERVAL << Spe.PMSIRR_INTERVAL_SHIFT);
            before.hypWrite("PMSCR_EL1", Spe.PMSCR_E1SPE);
            long start = before.loop(DATA, ITERATIONS);
            before.hvc();
            before.load();
            before.runBlocks(3); // a few chains: part of the loop, some records still in the hypervisor buffer
            SpeUnit old = (SpeUnit) before.core.sampling().sampler();
            assertTrue(old.buffer.pending() > 0, "records held by the hypervisor when the state is taken");
            long retired = before.core.cpu.retired;
            assertTrue(retired > INTERVAL && retired < 5000, "stopped mid-workload at " + retired);

            StateSnapshot state = new Arm64Vcpu(0, before.core, new GicV3(1)).exportState();
            try (SpeRig after = new SpeRig(before)) {
                new Arm64Vcpu(0, after.core, new GicV3(1)).importState(state);
                assertTrue(after.core.sampling().sampler() instanceof SpeUnit, "the new revision's unit attached");
                after.resume();
                long end = after.hypRead("PMBPTR_EL1");
                int n = (int) (end - BUF);
                List<SpeDecoder.Record> records = SpeDecoder.decode(after.read(BUF, n), n);
                long operations = SpeRig.LOOP_PREFIX + (long) SpeRig.LOOP_BODY * ITERATIONS;
                assertEquals(operations / INTERVAL, records.size(), "one record per " + INTERVAL + " operations");
                for (int k = 0; k < records.size(); k++) {
                    long op = (long) INTERVAL * (k + 1);
                    int inLoop = (int) ((op - SpeRig.LOOP_PREFIX - 1) % SpeRig.LOOP_BODY);
                    assertEquals(start + 4L * inLoop, records.get(k).pc(), "record " + k + " samples operation " + op);
                }
            }
        }
    }
}
