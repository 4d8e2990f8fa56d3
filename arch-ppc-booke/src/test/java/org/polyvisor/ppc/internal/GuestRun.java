package org.polyvisor.ppc.internal;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.ppc.internal.handlers.DebugExitHandler;
import org.polyvisor.ppc.internal.handlers.EmulationFailureHandler;
import org.polyvisor.ppc.internal.handlers.HypercallHandler;

/** Runs a guest ELF of guests/ppc through the framework's VmManagerImpl, as the contract document describes. */
public final class GuestRun {
    public static final long RAM = 128L << 20;

    public record Result(String console, VmInfo info, Map<String, Long> exits, long instructions, long nanos) {
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
        VmManagerImpl mgr = new VmManagerImpl();
        mgr.addArchitecture(new PpcArchitecture());
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
                long t0 = System.nanoTime();
                mgr.start(id);
                VmInfo info = mgr.awaitTermination(id, timeoutMillis);
                long t1 = System.nanoTime();
                Map<String, Long> exits = mgr.exitCounts(id);
                long insns = mgr.instructionsRetired(id);
                if (info.state() != org.polyvisor.api.VmState.STOPPED && info.state() != org.polyvisor.api.VmState.FAILED) {
                    mgr.stop(id);
                }
                synchronized (out) {
                    return new Result(out.toString(java.nio.charset.StandardCharsets.ISO_8859_1), info, exits, insns,
                            t1 - t0);
                }
            }
        }
    }

    public static Result run(String guest) throws Exception {
        return run(elf(guest), Map.of(), 20_000);
    }
}
