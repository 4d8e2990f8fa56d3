package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition a test depends on (a bundle state, a service, console output, a VM state) instead of
 * sleeping for a guessed time. A timeout fails the test and says what was seen, so a slow machine gives a clear
 * failure and a fast one does not wait longer than needed.
 */
public final class Await {
    /** How often the condition is polled; conditions here are Gogo commands and service look-ups, not free. */
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private Await() {
    }

    /**
     * Polls {@code condition} until it holds. On timeout the test fails with "timed out after N ms waiting for
     * {@code description}; saw {@code saw}".
     */
    public static void until(String description, BooleanSupplier condition, Duration timeout, Supplier<String> saw) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + description + "; saw "
                        + saw.get());
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + description + "; saw " + saw.get());
            }
            LockSupport.parkNanos(POLL_NANOS); // the poll interval; the condition, not the time, ends the wait
        }
    }
}
