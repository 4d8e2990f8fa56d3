package org.polyvisor.arm64.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.spi.OperationSampler;
import org.polyvisor.arm64.spi.SampledOperation;
import org.polyvisor.arm64.spi.SamplingHook;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.CpuHarness;

/**
 * The neutral sampling hook: the operation reported is exactly the N-th after arming (counted over the program's
 * straight-line prefix and loop), with its class, data addresses, branch outcome and events; nothing is reported
 * while nothing is armed, and a sampler returning STOP disarms the hook.
 */
class SamplingHookTest {
    private static final long DATA = CpuHarness.RAM + 0x1_0000;
    private static final int LOOP = 5;      // index of the first loop instruction
    private static final int ITERATIONS = 100;

    /** x1 = DATA; x2 = 0; loop: str x2,[x1,#8]; ldr x3,[x1,#8]; add x2,x2,#1; cmp x2,#100; b.ne loop; hvc #0. */
    private static int[] program() {
        return new A64().mov(1, DATA).word(0xD280_0002) // movz x2, #0
                .word(0xF900_0422)                         // str x2, [x1, #8]
                .word(0xF940_0423)                         // ldr x3, [x1, #8]
                .word(0x9100_0442)                         // add x2, x2, #1
                .word(0xF100_005F | (ITERATIONS << 10))    // cmp x2, #100
                .word(0x54FF_FF81)                         // b.ne loop (-4 instructions)
                .hvc().code();
    }

    /** Instruction index of the n-th operation (1-based) of the program. */
    private static int indexOf(long n) {
        return n <= LOOP ? (int) n - 1 : LOOP + (int) ((n - LOOP - 1) % 5);
    }

    private record Seen(long pc, int type, long va, long pa, long events, boolean conditional, long next) {
    }

    @Test
    void everyNthOperationIsReportedWithWhatItDid() {
        int interval = 7;
        try (CpuHarness h = new CpuHarness()) {
            List<Seen> seen = new ArrayList<>();
            SamplingHook hook = h.core.sampling();
            hook.attach(op -> {
                seen.add(new Seen(op.pc(), op.type(), op.dataVa(), op.dataPa(), op.events(), op.conditional(),
                        op.nextPc()));
                return interval;
            });
            hook.arm(interval);
            h.run(program());
            assertEquals(ITERATIONS, h.x(2), "the loop ran to its end");
            long operations = LOOP + 5L * ITERATIONS; // the hvc (operation 506) is not a multiple of 7
            assertEquals(operations / interval, seen.size(), "one sample per " + interval + " operations");
            for (int k = 0; k < seen.size(); k++) {
                long n = (long) interval * (k + 1);
                int idx = indexOf(n);
                Seen s = seen.get(k);
                assertEquals(CpuHarness.RAM + 4L * idx, s.pc(), "operation " + n + " is instruction " + idx);
                switch (idx - LOOP) {
                    case 0, 1 -> {
                        assertEquals(idx == LOOP ? SampledOperation.STORE : SampledOperation.LOAD, s.type());
                        assertEquals(DATA + 8, s.va(), "data VA of operation " + n);
                        assertEquals(DATA + 8, s.pa(), "MMU off: PA = VA");
                        assertEquals(SampledOperation.EVENT_RETIRED | SampledOperation.EVENT_L1D_ACCESS
                                | SampledOperation.EVENT_TLB_ACCESS, s.events());
                    }
                    case 4 -> {
                        assertEquals(SampledOperation.BRANCH, s.type());
                        assertTrue(s.conditional());
                        boolean last = (n - LOOP) / 5 == ITERATIONS;
                        assertEquals(last ? s.pc() + 4 : CpuHarness.RAM + 4L * LOOP, s.next());
                        assertEquals(SampledOperation.EVENT_RETIRED | (last ? SampledOperation.EVENT_NOT_TAKEN : 0),
                                s.events());
                    }
                    default -> {
                        assertEquals(SampledOperation.OTHER, s.type(), "operation " + n);
                        assertEquals(SampledOperation.EVENT_RETIRED, s.events());
                    }
                }
            }
            assertEquals(interval - (operations + 1) % interval, hook.remaining(), "still armed after the run");
        }
    }

    @Test
    void nothingIsReportedWhileNothingIsArmed() {
        try (CpuHarness h = new CpuHarness()) {
            int[] calls = {0};
            h.core.sampling().attach(op -> {
                calls[0]++;
                return 1;
            });
            h.run(program());
            assertEquals(0, calls[0]);
            assertEquals(OperationSampler.STOP, h.core.sampling().remaining());
        }
    }

    @Test
    void stopDisarmsAfterTheSample() {
        try (CpuHarness h = new CpuHarness()) {
            List<Long> pcs = new ArrayList<>();
            h.core.sampling().attach(op -> {
                pcs.add(op.pc());
                return OperationSampler.STOP;
            });
            h.core.sampling().arm(1);
            h.run(program());
            assertEquals(List.of(CpuHarness.RAM), pcs, "only the very first operation");
            assertFalse(h.core.sampling().remaining() != OperationSampler.STOP);
        }
    }
}
