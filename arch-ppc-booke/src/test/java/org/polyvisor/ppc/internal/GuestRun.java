package org.polyvisor.ppc.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.ppc.internal.hyp.DebugExitHandler;
import org.polyvisor.ppc.internal.hyp.EmulationFailureHandler;
import org.polyvisor.ppc.internal.hyp.HypercallHandler;

/** Runs a guest ELF of guests/ppc through the framework's VmManagerImpl, as the contract document describes. */
public final class GuestRun {
    public static final long RAM = 128L << 20;

    /** nanos: wall time; cpuNanos: CPU time of the vCPU thread (sampled every 2 ms, so meaningful on a busy host). */
    public record Result(String console, VmInfo info, Map<String, Long> exits, long instructions, long nanos,
                         long cpuNanos) {
    }

    /**
     * Samples the CPU time of the VM's vCPU thread every 2 ms on a scheduler thread (the vCPU thread ends with the
     * VM, so its total cannot be read afterwards); close() stops the sampling and waits for a running sample.
     */
    static final class CpuSampler implements AutoCloseable {
        private final String prefix;
        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pv-cpu-sampler");
            t.setDaemon(true);
            return t;
        });
        private volatile long cpu;

        CpuSampler(int vmId) {
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

    private GuestRun() {
    }

    public static Path guestDir() {
        for (Path p : new Path[] {Path.of("../guests/ppc"), Path.of("guests/ppc")}) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("guests/ppc not found from " + Path.of("").toAbsolutePath());
    }

    public static Path elf(String name) {
        return guestDir().resolve(name + ".elf");
    }

    public static VmManagerImpl manager() {
        return manager(new PpcArchitecture());
    }

    public static VmManagerImpl manager(PpcArchitecture arch) {
        VmManagerImpl mgr = new VmManagerImpl();
        mgr.addArchitecture(arch);
        mgr.addExitHandler(new EmulationFailureHandler(), "ppc-booke", new String[] {"INST_LOAD_FAIL", "EMULATION_FAIL"}, 0);
        mgr.addExitHandler(new HypercallHandler(), "ppc-booke", new String[] {"HV_SYSCALL"}, 0);
        mgr.addExitHandler(new DebugExitHandler(), "ppc-booke", new String[] {"DEBUG"}, 0);
        return mgr;
    }

    public static Result run(Path elf, Map<String, String> options, long timeoutMillis) throws Exception {
        try (VmManagerImpl mgr = manager()) {
            VmConfig cfg = VmConfig.of("ppc-booke", RAM, 1, elf);
            for (var e : options.entrySet()) {
                cfg = cfg.withOption(e.getKey(), e.getValue());
            }
            int id = mgr.create(cfg);
            ConsoleCapture out = new ConsoleCapture();
            try (AutoCloseable c = mgr.attachConsole(id, out)) {
                long t0;
                long t1;
                VmInfo info;
                long cpu;
                try (CpuSampler sampler = new CpuSampler(id)) {
                    t0 = System.nanoTime();
                    mgr.start(id);
                    info = mgr.awaitTermination(id, timeoutMillis);
                    t1 = System.nanoTime();
                    sampler.close();
                    cpu = sampler.cpuNanos();
                }
                Map<String, Long> exits = mgr.exitCounts(id);
                long insns = mgr.instructionsRetired(id);
                if (info.state() != VmState.STOPPED && info.state() != VmState.FAILED) {
                    mgr.stop(id);
                }
                return new Result(out.text(), info, exits, insns, t1 - t0, cpu);
            }
        }
    }

    public static Result run(String guest) throws Exception {
        return run(elf(guest), Map.of(), 20_000);
    }
}
