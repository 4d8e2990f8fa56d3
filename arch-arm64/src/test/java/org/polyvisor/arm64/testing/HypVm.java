package org.polyvisor.arm64.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.framework.internal.VmManagerImpl;

/**
 * Runs a guest ELF the way the OSGi runtime does (docs/HELPERS-CONTRACT.md): VmManagerImpl with the arm64
 * architecture and its exit handlers registered as the whiteboard would, one platform thread per vCPU.
 */
public final class HypVm {
    /** How a run ended: console bytes, final VM info, exit counts per class. */
    public record Result(String console, VmInfo info, Map<String, Long> exits) {
    }

    private HypVm() {
    }

    public static Path guestDir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("guests/arm64"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("guests/arm64 not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("guests/arm64");
    }

    /** Registers the arm64 exit handlers as their DS components do. */
    public static void registerHandlers(VmManagerImpl mgr) {
        mgr.addExitHandler(new PsciHandler(), "arm64", new String[] {"HVC64", "SMC64"}, 0);
        mgr.addExitHandler(new SysRegTrapHandler(), "arm64", new String[] {"SYS64"}, 0);
        mgr.addExitHandler(new WfxHandler(), "arm64", new String[] {"WFx"}, 0);
    }

    public static Result run(Path elf, String host, int vcpus, long timeoutMillis) throws Exception {
        return run(new Arm64Architecture(), elf, host, vcpus, timeoutMillis);
    }

    public static Result run(Arm64Architecture arch, Path elf, String host, int vcpus, long timeoutMillis)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (VmManagerImpl mgr = new VmManagerImpl()) {
            mgr.addArchitecture(arch);
            registerHandlers(mgr);
            int id = mgr.create(VmConfig.of("arm64", 128L << 20, vcpus, elf).withOption("host", host));
            try (AutoCloseable c = mgr.attachConsole(id, b -> {
                synchronized (out) {
                    out.write(b);
                }
            })) {
                mgr.start(id);
                VmInfo info = mgr.awaitTermination(id, timeoutMillis);
                Map<String, Long> exits = mgr.exitCounts(id);
                if (info.state() == VmState.RUNNING) {
                    mgr.stop(id);
                }
                synchronized (out) {
                    return new Result(out.toString(StandardCharsets.ISO_8859_1), info, exits);
                }
            }
        }
    }
}
