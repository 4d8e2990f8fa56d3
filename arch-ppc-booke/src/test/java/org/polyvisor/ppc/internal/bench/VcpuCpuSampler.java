package org.polyvisor.ppc.internal.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the CPU time of a VM's vCPU thread every 2 ms on a scheduler thread (the vCPU thread ends with the VM, so
 * its total cannot be read afterwards); close() stops the sampling and waits for a running sample.
 */
final class VcpuCpuSampler implements AutoCloseable {
    private final String prefix;
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread
            .ofPlatform().daemon().name("pv-cpu-sampler").unstarted(r));
    private volatile long cpu;

    /** Starts sampling the framework's vCPU threads of VM {@code vmId} (named "pv-vm&lt;id&gt;-vcpu..."). */
    VcpuCpuSampler(int vmId) {
        this.prefix = "pv-vm" + vmId + "-vcpu";
        scheduler.scheduleAtFixedRate(this::sample, 0, 2, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                long v = mx.getThreadCpuTime(t.threadId());
                if (v > cpu) {
                    cpu = v;
                }
            }
        }
    }

    long cpuNanos() {
        return cpu;
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdown();
        if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("CPU time sampler still running 10 s after shutdown");
        }
    }
}
