package org.polyvisor.arm64.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for an observable condition in tests, never for a fixed time: {@link #until} polls the condition and
 * fails the test with what it saw when the timeout passes.
 */
public final class Await {
    /** Generous: the machine is shared; a wait that needs this long has failed. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_NANOS = 200_000;

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails with {@code seen} after {@code timeout}. */
    public static void until(String what, BooleanSupplier condition, Supplier<String> seen, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; saw: " + seen.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    public static void until(String what, BooleanSupplier condition, Supplier<String> seen) {
        until(what, condition, seen, TIMEOUT);
    }

    /** Whether the thread is parked or waiting (a blocked WFI, a powered-off vCPU), not running or runnable. */
    public static boolean blocked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /** Waits until the thread that {@code ref} will name exists and is blocked. */
    public static Thread untilBlocked(String what, AtomicReference<Thread> ref) {
        until(what + " blocks", () -> ref.get() != null && blocked(ref.get()),
                () -> ref.get() == null ? "the thread has not started" : "thread state " + ref.get().getState());
        return ref.get();
    }
}
