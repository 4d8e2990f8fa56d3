package org.polyvisor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class GoldenTest {
    @Test
    void identicalBytesPass() {
        Golden.assertSameBytes("hello\n".getBytes(StandardCharsets.US_ASCII), "hello\n", "hello");
    }

    @Test
    void aMismatchNamesTheOffsetAndShowsBothSides() {
        AssertionError e = assertThrows(AssertionError.class, () -> Golden.assertSameBytes(
                "crc=0x1234\n".getBytes(StandardCharsets.US_ASCII), "crc=0x1235\n\u0007", "crc32"));
        assertTrue(e.getMessage().startsWith("crc32: output differs at byte 9 (expected 11 bytes, got 12)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("actual:   ...crc=0x1235\\n\\x07..."), e.getMessage());
    }

    @Test
    void aShorterOutputIsAMismatchToo() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Golden.assertSameBytes(new byte[] {1, 2, 3}, new byte[] {1, 2}, "short"));
        assertTrue(e.getMessage().contains("differs at byte 2"), e.getMessage());
    }

    @Test
    void awaitReturnsOnceTheConditionHolds() {
        AtomicLong n = new AtomicLong();
        Thread.ofPlatform().start(() -> n.set(5));
        Await.atLeast("n", n::get, 5, Duration.ofSeconds(10));
        assertEquals(5, n.get());
    }

    @Test
    void aTimedOutWaitFailsWithWhatItSaw() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.atLeast("output length", () -> 3L, 10, Duration.ofMillis(20)));
        assertTrue(e.getMessage().contains("waiting for output length >= 10; saw: output length = 3"),
                e.getMessage());
    }
}
