package org.polyvisor.testarch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.memory.MemorySlot;

/** The toy dirty log: what it records, and that a write racing with fetchAndClear is never lost (the SPI contract). */
class ToyDirtyLogTest {
    private static final int PAGES = 64;
    private final GuestMemory memory = new GuestMemory();
    private final MemorySlot slot;
    private final ToyDirtyLog log;

    ToyDirtyLogTest() {
        memory.addSlot(0, GuestPhysicalAddress.of(0), PAGES * 4096L, false);
        slot = memory.slots().getFirst();
        log = new ToyDirtyLog(slot);
    }

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void recordsWritesOnlyWhileLoggingAndHandsEachPageOverOnce() {
        log.recordWrite(0x1000); // before start: not recorded
        log.start();
        log.recordWrite(0x2004);
        log.recordWrite(0x2008);
        log.recordWrite(0x3FFF);
        long[] bitmap = new long[1];
        assertEquals(2, log.fetchAndClear(slot, bitmap));
        assertEquals(0b1100L, bitmap[0]);
        log.recordWrite(0x2000);
        assertEquals(0, log.fetchAndClear(slot, bitmap), "page 2 is already in the caller's bitmap");
        assertEquals(0, log.fetchAndClear(slot, new long[1]), "and was cleared from the log");
        log.stop();
        log.recordWrite(0x5000);
        assertEquals(0, log.fetchAndClear(slot, new long[1]));
        MemorySlot other = new MemorySlot(1, GuestPhysicalAddress.of(1 << 20), 4096, false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> log.fetchAndClear(other, new long[1]))
                .getMessage().contains("slot 1"));
    }

    /**
     * A writer thread stores ever-increasing values into all pages as a vCPU does (data, then the record) while this
     * thread fetches, clears and copies pages as a live save's rounds do. After the writer stops, one last fetch and
     * copy must leave the copy equal to memory: a write that raced with a fetch and landed in neither bitmap would
     * leave an old value in the copy.
     */
    @Test
    void aWriteRacingWithFetchAndClearIsNeverLost() throws Exception {
        int[] copy = new int[PAGES];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        log.start();
        Thread writer = Thread.ofPlatform().name("toy-dirty-writer").start(() -> {
            for (int v = 1; !stop.get(); v++) {
                long gpa = (long) (v * 7 % PAGES) * 4096 + 16;
                memory.write(gpa, 4, v, ByteOrder.LITTLE_ENDIAN);
                log.recordWrite(gpa);
                writes.incrementAndGet();
            }
        });
        long[] bitmap = new long[1];
        long fetched = 0;
        for (int round = 0; round < 20_000 || writes.get() < 100_000; round++) {
            fetched += log.fetchAndClear(slot, bitmap);
            copyPages(bitmap, copy);
        }
        stop.set(true);
        writer.join();
        log.fetchAndClear(slot, bitmap);
        copyPages(bitmap, copy);
        log.stop();
        for (int p = 0; p < PAGES; p++) {
            assertEquals(memory.read(p * 4096L + 16, 4, ByteOrder.LITTLE_ENDIAN), copy[p] & 0xFFFF_FFFFL,
                    "page " + p + " after " + writes.get() + " writes and " + fetched + " pages fetched");
        }
    }

    private void copyPages(long[] bitmap, int[] copy) {
        long word = bitmap[0];
        bitmap[0] = 0;
        while (word != 0) {
            int p = Long.numberOfTrailingZeros(word);
            word &= word - 1;
            copy[p] = (int) memory.read(p * 4096L + 16, 4, ByteOrder.LITTLE_ENDIAN);
        }
    }
}
