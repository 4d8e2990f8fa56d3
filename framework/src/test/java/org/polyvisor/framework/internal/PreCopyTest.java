package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.memory.MemorySlot;
import org.polyvisor.spi.DirtyLog;

/** The pre-copy round logic against a scripted dirty log: when rounds stop, what each copies, what the pause copies. */
class PreCopyTest {
    private static final int PAGE = 4096;
    private static final long BASE = 0x4000_0000L;
    private static final long SIZE = 1 << 20; // 256 pages
    private final GuestMemory memory = new GuestMemory();
    private final DirtyLog log = mock(DirtyLog.class);
    /** Each fetch answers the next page set; the guest "writes" those pages just before the fetch sees them. */
    private final Deque<int[]> script = new ArrayDeque<>();
    private MemorySlot slot;

    PreCopyTest() {
        memory.addSlot(0, GuestPhysicalAddress.of(BASE), SIZE, false);
        memory.addSlot(1, GuestPhysicalAddress.of(0), 1 << 16, true); // a ROM: copied once, never fetched
        slot = memory.slots().stream().filter(s -> s.id() == 0).findFirst().orElseThrow();
        memory.write(0x10, 4, 0xC0DE, ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < 256; p++) {
            memory.write(BASE + (long) p * PAGE, 4, 1, ByteOrder.LITTLE_ENDIAN);
        }
        when(log.pageSize()).thenReturn(PAGE);
        when(log.fetchAndClear(eq(slot), any())).thenAnswer(inv -> {
            long[] bitmap = inv.getArgument(1);
            int[] pages = script.isEmpty() ? new int[0] : script.poll();
            long newly = 0;
            for (int p : pages) {
                memory.write(BASE + (long) p * PAGE, 4, 2, ByteOrder.LITTLE_ENDIAN);
                if ((bitmap[p >>> 6] & (1L << p)) == 0) {
                    newly++;
                }
                bitmap[p >>> 6] |= 1L << p;
            }
            return newly;
        });
    }

    @AfterEach
    void close() {
        memory.close();
    }

    private static int[] pages(int from, int count) {
        int[] p = new int[count];
        for (int i = 0; i < count; i++) {
            p[i] = from + i;
        }
        return p;
    }

    private void assertCopyEqualsMemory(PreCopy copy) {
        copy.shadow().forEachChunk((gpa, chunk) -> assertEquals(-1, chunk.mismatch(memory.chunk(gpa)),
                "copy of chunk 0x" + Long.toHexString(gpa)));
        long[] chunks = {0};
        memory.forEachAllocatedChunk((gpa, seg) -> chunks[0]++);
        assertEquals(chunks[0], copy.shadow().bytes() / GuestMemory.CHUNK_SIZE, "every touched chunk is copied");
    }

    @Test
    void roundsStopWhenTheDirtySetStopsShrinkingAndThePauseCopiesTheRest() {
        // 1 MiB threshold is 256 pages: use a small one so the set sizes decide
        PreCopy copy = new PreCopy(memory, log, new PreCopy.Policy(8L * PAGE, 30));
        script.add(pages(0, 100));
        script.add(pages(0, 60));
        script.add(pages(100, 70)); // bigger than the 60 before: the guest outruns the copy
        script.add(pages(200, 5)); // what the guest writes until it is paused
        copy.runRounds();
        assertEquals(List.of(256L + 16, 100L, 60L), copy.pagesPerRound(), "round 0 = RAM and ROM, then 100, 60");
        assertEquals(75, copy.finish(), "the 70 pending and the 5 fetched while paused");
        copy.stop();
        copy.stop();
        assertCopyEqualsMemory(copy);
        InOrder order = inOrder(log);
        order.verify(log).start();
        order.verify(log, times(4)).fetchAndClear(eq(slot), any());
        order.verify(log).stop();
        verify(log, times(1)).stop();
    }

    @Test
    void aSmallDirtySetIsLeftForThePauseAtOnce() {
        PreCopy copy = new PreCopy(memory, log, new PreCopy.Policy(8L * PAGE, 30));
        script.add(pages(3, 8));
        copy.runRounds();
        assertEquals(List.of(272L), copy.pagesPerRound(), "no round after round 0: 8 pages fit the pause");
        assertEquals(8, copy.finish());
        assertCopyEqualsMemory(copy);
    }

    @Test
    void roundsAreBoundedForAGuestThatShrinksItsDirtySetSlowly() {
        PreCopy copy = new PreCopy(memory, log, new PreCopy.Policy(0, 3));
        for (int n = 200; n > 190; n--) {
            script.add(pages(0, n));
        }
        copy.runRounds();
        assertEquals(List.of(272L, 200L, 199L, 198L), copy.pagesPerRound(), "round 0 and at most 3 more");
        assertEquals(197, copy.finish(), "the fourth set fetched is pending; the fetch while paused adds nothing new");
        assertCopyEqualsMemory(copy);
    }

    @Test
    void aPageNobodyReportsIsNotCopiedAgain() {
        PreCopy copy = new PreCopy(memory, log, PreCopy.Policy.DEFAULT);
        copy.runRounds();
        memory.write(BASE + 7 * PAGE, 4, 0x77, ByteOrder.LITTLE_ENDIAN); // a write the log missed
        copy.finish();
        byte[] copied = new byte[4];
        copy.shadow().forEachChunk((gpa, chunk) -> {
            if (gpa == BASE) {
                MemorySegment.copy(chunk, 7 * PAGE, MemorySegment.ofArray(copied), 0, 4);
            }
        });
        assertArrayEquals(new byte[] {1, 0, 0, 0}, copied, "the copy follows the log: round 0's value stays");
    }
}
