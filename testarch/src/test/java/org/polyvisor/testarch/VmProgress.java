package org.polyvisor.testarch;

import java.time.Duration;

import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.testkit.Await;

/**
 * The toy architecture's waits on VM progress and parked vCPUs, on the test kit's {@link Await}: a timeout fails the test and says what was seen.
 */
public final class VmProgress {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private VmProgress() {
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
        Await.until("VM " + id + " making more than " + count + " exits",
                () -> exits(mgr, id) > count || mgr.info(id).state() != VmState.RUNNING, TIMEOUT,
                () -> exits(mgr, id) + " exits, " + mgr.info(id));
    }

    /**
     * Waits until every vCPU thread of the VM is blocked (parked: a paused or waiting VM, or a vCPU in WFI). A
     * blocked thread runs no guest code, which is what "the vCPU does not run" means.
     */
    public static void untilVcpusBlocked(int vmId, int vcpus) {
        Await.untilThreadsBlocked("pv-vm" + vmId + "-vcpu", vcpus, TIMEOUT);
    }
}
