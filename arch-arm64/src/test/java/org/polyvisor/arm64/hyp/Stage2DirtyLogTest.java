package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.memory.MemorySlot;
import org.polyvisor.spi.DirtyLog;
import org.polyvisor.spi.Exit;
import org.polyvisor.testkit.Await;

/**
 * Dirty logging by stage-2 write protection: the first write to each page after start or a fetch is recorded, pages
 * only read are not, a fetch re-protects, stop makes pages writable without faults; and a vCPU that keeps writing on
 * another thread is caught again after every fetch (the fetch's TLB invalidation reaches the running PE).
 */
class Stage2DirtyLogTest {
    private static final long A = TestMachine.RAM + 0x10_0000;
    private static final long B = TestMachine.RAM + 0x20_0000;
    private static final int ADD_X2_1 = 0x9100_0442;
    private static final int B_MINUS_8 = 0x17FF_FFFE;

    private static long[] pages(DirtyLog log, MemorySlot slot) {
        long[] bitmap = new long[(int) (slot.size() / log.pageSize() / 64) + 1];
        log.fetchAndClear(slot, bitmap);
        return bitmap;
    }

    private static long[] expect(long... addresses) {
        long[] bitmap = new long[(int) ((16L << 20) / 4096 / 64) + 1];
        for (long a : addresses) {
            long page = (a - TestMachine.RAM) / 4096;
            bitmap[(int) (page / 64)] |= 1L << (page % 64);
        }
        return bitmap;
    }

    private static void hvc(Arm64Vcpu v) {
        assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, v.run()).exitClass());
    }

    @Test
    void firstWritesAreRecordedRoundByRound() {
        try (TestMachine m = new TestMachine(new Arm64Architecture(), "nvhe", 1)) {
            m.load(TestMachine.RAM, new A64().mov(4, A).mov(5, B).mov(2, 1).strX(2, 4).hvc()
                    .strX(2, 5).hvc().strX(2, 4).hvc().strX(2, 5).hvc().ldrW(3, 4).hvc().strX(2, 4).hvc().code());
            Arm64Vcpu v = m.vcpu(0);
            DirtyLog log = m.machine().dirtyLog();
            assertNotNull(log, "a VM on real stage-2 tables offers dirty logging");
            MemorySlot slot = m.context().memory().slots().getFirst();
            hvc(v); // A written before logging starts
            log.start();
            hvc(v);
            assertArrayEquals(expect(B), pages(log, slot), "B written since start; A and the code page not");
            hvc(v);
            assertArrayEquals(expect(A), pages(log, slot), "A now; B was protected again and not written");
            hvc(v);
            assertArrayEquals(expect(B), pages(log, slot), "B's next write faulted again after the fetch");
            hvc(v);
            assertArrayEquals(expect(), pages(log, slot), "a read records nothing");
            log.stop();
            long faults = m.machine().stage2().faults();
            hvc(v);
            assertEquals(faults, m.machine().stage2().faults(), "after stop A is written without a fault");
        }
    }

    @Test
    void aRunningWriterIsCaughtAfterEveryFetch() throws Exception {
        try (TestMachine m = new TestMachine(new Arm64Architecture(), "vhe", 1)) {
            // 1: str x2, [x4]; add x2, x2, #1; b 1b
            m.load(TestMachine.RAM, new A64().mov(4, A).mov(2, 1).strX(2, 4).word(ADD_X2_1).word(B_MINUS_8).code());
            Arm64Vcpu v = m.vcpu(0);
            DirtyLog log = m.machine().dirtyLog();
            MemorySlot slot = m.context().memory().slots().getFirst();
            log.start();
            CompletableFuture<Exit> run = CompletableFuture.supplyAsync(v::run);
            AtomicLong rounds = new AtomicLong();
            long[] last = new long[1];
            for (int round = 0; round < 5; round++) {
                Await.until("round " + round + ": the writer's page dirty again after the fetch", () -> {
                    long[] b = pages(log, slot);
                    last[0] = b[(int) ((A - TestMachine.RAM) / 4096 / 64)];
                    return last[0] != 0;
                }, Duration.ofSeconds(10), () -> "bitmap word " + Long.toHexString(last[0]));
                rounds.incrementAndGet();
            }
            assertEquals(5, rounds.get());
            log.stop();
            v.kick();
            assertSame(Exit.KICKED, run.get(10, TimeUnit.SECONDS));
        }
    }
}
