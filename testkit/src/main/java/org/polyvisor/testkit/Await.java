package org.polyvisor.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition a test can observe (console output, a counter, a VM or thread state) instead of sleeping. A
 * wait that times out throws an {@link AssertionError} that names what was awaited and what was seen last, so a
 * failing run on a loaded CI machine says why.
 */
public final class Await {
    /** How often the condition is polled; the poll is the only pause, never the synchronisation itself. */
    private static final long POLL_NANOS = 1_000_000L;

    private Await() {
    }

    /** Waits until {@code condition} holds, or fails after {@code timeout} with {@code what} and {@code seen}. */
    public static void until(String what, BooleanSupplier condition, Duration timeout, Supplier<String> seen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; saw: " + seen.get());
            }
            Thread.onSpinWait();
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what + "; saw: " + seen.get());
            }
        }
    }

    /** The same with a fixed description of the state. */
    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        until(what, condition, timeout, () -> "the condition still false");
    }

    /** Waits until {@code value} reaches at least {@code atLeast}; fails with the last value seen. */
    public static void atLeast(String what, Supplier<Long> value, long atLeast, Duration timeout) {
        until(what + " >= " + atLeast, () -> value.get() >= atLeast, timeout, () -> what + " = " + value.get());
    }
}
