package org.polyvisor.testarch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.memory.MemorySlot;

/** The toy dirty log: what it records, and that a write racing with fetchAndClear is never lost (the SPI contract). */
class ToyDirtyLogTest {
    /** 4096 pages: a page is written again only after 4,095 others, so a lost record is not hidden by the next. */
    private static final int PAGES = 4096;
    private static final int WORDS = PAGES / 64;
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
        long[] bitmap = new long[WORDS];
        assertEquals(2, log.fetchAndClear(slot, bitmap));
        assertEquals(0b1100L, bitmap[0]);
        log.recordWrite(0x2000);
        assertEquals(0, log.fetchAndClear(slot, bitmap), "page 2 is already in the caller's bitmap");
        assertEquals(0, log.fetchAndClear(slot, new long[WORDS]), "and was cleared from the log");
        log.stop();
        log.recordWrite(0x5000);
        assertEquals(0, log.fetchAndClear(slot, new long[WORDS]));
        MemorySlot other = new MemorySlot(1, GuestPhysicalAddress.of(1 << 20), 4096, false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> log.fetchAndClear(other, new long[WORDS]))
                .getMessage().contains("slot 1"));
    }

    /**
     * A writer thread stores ever-increasing values into all pages as a vCPU does (data, then the record) and then
     * publishes each value as completed, while this thread runs rounds as a live save does: fetch, clear, copy the
     * pages reported. After every round the copy must hold, for every page, at least the last value whose write had
     * completed before the round's fetch began: such a write was recorded before the fetch, so this fetch or an
     * earlier one reported it and its copy read the value. A write that raced with a fetch and landed in neither
     * bitmap leaves an older value and fails the round it is missed in.
     */
    @Test
    void aWriteRacingWithFetchAndClearIsNeverLost() throws Exception {
        long[] copy = new long[PAGES];
        AtomicLongArray completed = new AtomicLongArray(PAGES);
        AtomicBoolean stop = new AtomicBoolean();
        log.start();
        Thread writer = Thread.ofPlatform().name("toy-dirty-writer").start(() -> {
            for (int v = 1; !stop.get(); v++) {
                int page = v * 7 % PAGES;
                long gpa = page * 4096L + 16;
                memory.write(gpa, 4, v, ByteOrder.LITTLE_ENDIAN);
                log.recordWrite(gpa);
                completed.set(page, v);
            }
        });
        try {
            long[] bitmap = new long[WORDS];
            long[] required = new long[PAGES];
            for (int round = 0; round < 5_000 || completed.get(0) < 200_000; round++) {
                for (int p = 0; p < PAGES; p++) {
                    required[p] = completed.get(p);
                }
                log.fetchAndClear(slot, bitmap);
                copyPages(bitmap, copy);
                for (int p = 0; p < PAGES; p++) {
                    if (copy[p] < required[p]) {
                        fail("round " + round + ": page " + p + " was written with " + required[p]
                                + " before the fetch, but the copy holds " + copy[p] + ": a write was lost");
                    }
                }
            }
        } finally {
            stop.set(true);
            writer.join();
            log.stop();
        }
    }

    private void copyPages(long[] bitmap, long[] copy) {
        for (int w = 0; w < bitmap.length; w++) {
            long word = bitmap[w];
            bitmap[w] = 0;
            while (word != 0) {
                int p = w * 64 + Long.numberOfTrailingZeros(word);
                word &= word - 1;
                copy[p] = memory.read(p * 4096L + 16, 4, ByteOrder.LITTLE_ENDIAN);
            }
        }
    }
}
