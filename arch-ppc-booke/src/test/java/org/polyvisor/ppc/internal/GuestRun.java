package org.polyvisor.ppc.internal;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
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

    /** Samples the CPU time of the VM's vCPU thread until stopped. */
    static final class CpuSampler extends Thread {
        private final String prefix;
        volatile boolean done;
        volatile long cpu;

        CpuSampler(int vmId) {
            this.prefix = "pv-vm" + vmId + "-vcpu";
            setDaemon(true);
        }

        @Override
        public void run() {
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            while (!done) {
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().startsWith(prefix)) {
                        long v = mx.getThreadCpuTime(t.threadId());
                        if (v > cpu) {
                            cpu = v;
                        }
                    }
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
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
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (AutoCloseable c = mgr.attachConsole(id, b -> {
                synchronized (out) {
                    out.write(b);
                }
            })) {
                CpuSampler sampler = new CpuSampler(id);
                sampler.start();
                long t0 = System.nanoTime();
                mgr.start(id);
                VmInfo info = mgr.awaitTermination(id, timeoutMillis);
                long t1 = System.nanoTime();
                sampler.done = true;
                sampler.join();
                Map<String, Long> exits = mgr.exitCounts(id);
                long insns = mgr.instructionsRetired(id);
                if (info.state() != org.polyvisor.api.VmState.STOPPED && info.state() != org.polyvisor.api.VmState.FAILED) {
                    mgr.stop(id);
                }
                synchronized (out) {
                    return new Result(out.toString(java.nio.charset.StandardCharsets.ISO_8859_1), info, exits, insns,
                            t1 - t0, sampler.cpu);
                }
            }
        }
    }

    public static Result run(String guest) throws Exception {
        return run(elf(guest), Map.of(), 20_000);
    }
}
