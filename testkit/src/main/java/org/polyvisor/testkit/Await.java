package org.polyvisor.testkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition a test can observe (console output, a counter, a VM, bundle or thread state) instead of
 * sleeping for a guessed time. A wait that times out throws an {@link AssertionError} that names what was awaited
 * and what was seen last, so a failing run on a loaded CI machine says why, and a fast machine waits no longer than
 * needed.
 */
public final class Await {
    /** The default poll interval: short, since guests make thousands of exits a millisecond. */
    private static final Duration POLL = Duration.ofMillis(1);

    private Await() {
    }

    /**
     * Waits until {@code condition} holds, or fails after {@code timeout} with {@code what} and {@code seen}.
     *
     * @param what      what is awaited, for the failure message
     * @param condition the observable condition
     * @param timeout   longest wait
     * @param seen      describes the state when the wait fails
     */
    public static void until(String what, BooleanSupplier condition, Duration timeout, Supplier<String> seen) {
        until(what, condition, timeout, POLL, seen);
    }

    /**
     * The same with a poll interval, for conditions that are not free to evaluate (a shell command, a service
     * look-up). The interval paces the polling; the condition, not the time, ends the wait.
     *
     * @param what      what is awaited, for the failure message
     * @param condition the observable condition
     * @param timeout   longest wait
     * @param poll      pause between two evaluations of the condition
     * @param seen      describes the state when the wait fails
     */
    public static void until(String what, BooleanSupplier condition, Duration timeout, Duration poll,
                             Supplier<String> seen) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; saw: " + seen.get());
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what + "; saw: " + seen.get());
            }
            LockSupport.parkNanos(poll.toNanos());
        }
    }

    /**
     * Waits until {@code condition} holds, for conditions whose state needs no description beyond {@code what}.
     *
     * @param what      what is awaited, for the failure message
     * @param condition the observable condition
     * @param timeout   longest wait
     */
    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        until(what, condition, timeout, () -> "the condition still false");
    }

    /**
     * Waits until {@code value} reaches at least {@code atLeast}; fails with the last value seen.
     *
     * @param what    what is awaited, for the failure message
     * @param value   reads the counter
     * @param atLeast the value to reach
     * @param timeout longest wait
     */
    public static void atLeast(String what, Supplier<Long> value, long atLeast, Duration timeout) {
        until(what + " >= " + atLeast, () -> value.get() >= atLeast, timeout, () -> what + " = " + value.get());
    }

    /**
     * Waits until {@code count} live threads whose names start with {@code namePrefix} exist and all are blocked
     * (WAITING or TIMED_WAITING): a vCPU thread parked by a pause, waiting for a bundle, or sleeping in WFI runs no
     * guest code, which is what "the vCPU does not run" means. The framework names vCPU threads
     * {@code pv-vm<id>-vcpu<index>}.
     *
     * @param namePrefix thread name prefix, for example {@code pv-vm1-vcpu}
     * @param count      how many such threads must exist
     * @param timeout    longest wait
     */
    public static void untilThreadsBlocked(String namePrefix, int count, Duration timeout) {
        until(count + " thread(s) named " + namePrefix + "* blocked", () -> {
            List<Thread> threads = threads(namePrefix);
            return threads.size() == count && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.TIMED_WAITING);
        }, timeout, () -> threads(namePrefix).stream().map(t -> t.getName() + " " + t.getState()).toList()
                .toString());
    }

    private static List<Thread> threads(String namePrefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(namePrefix))
                .toList();
    }
}
