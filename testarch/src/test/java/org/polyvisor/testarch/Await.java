package org.polyvisor.testarch;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;

/**
 * Waits for a condition a test depends on (guest progress, a recorded pause, a parked vCPU thread) instead of
 * sleeping for a guessed time. A timeout fails the test and says what was seen.
 */
public final class Await {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How often the condition is polled: short, since the toy guest makes thousands of exits a millisecond. */
    private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();

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

    /** All exits the VM has made so far: its progress through guest code, whatever the machine's speed. */
    public static long exits(VmManager mgr, int id) {
        return mgr.exitCounts(id).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until the VM has made more than {@code count} exits (it ran guest code) or is no longer running (it may
     * finish first on a fast machine; the caller's assertions say whether that matters).
     */
    public static void untilExitsPass(VmManager mgr, int id, long count) {
        until("VM " + id + " making more than " + count + " exits",
                () -> exits(mgr, id) > count || mgr.info(id).state() != VmState.RUNNING, TIMEOUT,
                () -> exits(mgr, id) + " exits, " + mgr.info(id));
    }

    /**
     * Waits until every vCPU thread of the VM is blocked (parked: a paused or waiting VM, or a vCPU in WFI). A
     * blocked thread runs no guest code, which is what "the vCPU does not run" means.
     */
    public static void untilVcpusBlocked(int vmId, int vcpus) {
        until("the " + vcpus + " vCPU thread(s) of VM " + vmId + " blocked", () -> {
            List<Thread> threads = vcpuThreads(vmId);
            return threads.size() == vcpus && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.TIMED_WAITING);
        }, TIMEOUT, () -> vcpuThreads(vmId).stream().map(t -> t.getName() + " " + t.getState()).toList().toString());
    }

    /** The framework names vCPU threads "pv-vm{id}-vcpu{index}". */
    private static List<Thread> vcpuThreads(int vmId) {
        String prefix = "pv-vm" + vmId + "-vcpu";
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).toList();
    }
}
