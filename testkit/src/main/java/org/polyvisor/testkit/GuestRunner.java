package org.polyvisor.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.VmExtension;
import org.polyvisor.standalone.StandaloneHypervisor;

/**
 * Runs a guest ELF the way the framework bundle does - the real VM manager, one platform thread per vCPU, exit
 * handlers dispatched by class, extensions attached - but in-process, without Felix: register what DS would
 * register, then {@link #run}. A plugin author adds their exit handler or extension next to the architecture's own.
 *
 * <pre>{@code
 * GuestRun r = GuestRunner.on(new Arm64Architecture()).handler(new PsciHandler(), "HVC64", "SMC64")
 *         .vcpus(2).option("host", "nvhe").run(elf, Duration.ofSeconds(30)).assertPoweredOff();
 * }</pre>
 */
public final class GuestRunner {
    private record Handler(ExitHandler handler, int ranking, String[] classes) {
    }

    private final Architecture architecture;
    private final List<Handler> handlers = new ArrayList<>();
    private final List<VmExtension> extensions = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private long memoryBytes = 128L << 20;
    private int vcpus = 1;

    private GuestRunner(Architecture architecture) {
        this.architecture = architecture;
    }

    /** A runner for guests of this architecture. */
    public static GuestRunner on(Architecture architecture) {
        return new GuestRunner(architecture);
    }

    /** Dispatches these exit classes to the handler (service ranking 0). */
    public GuestRunner handler(ExitHandler handler, String... exitClasses) {
        return handler(handler, 0, exitClasses);
    }

    /** The same with a ranking: the highest wins when two handlers claim a class (override the arch's own). */
    public GuestRunner handler(ExitHandler handler, int ranking, String... exitClasses) {
        handlers.add(new Handler(handler, ranking, exitClasses.clone()));
        return this;
    }

    /** Attaches a VM extension (a device, a tracer) to the VM. */
    public GuestRunner extension(VmExtension extension) {
        extensions.add(extension);
        return this;
    }

    public GuestRunner memory(long bytes) {
        this.memoryBytes = bytes;
        return this;
    }

    public GuestRunner vcpus(int count) {
        this.vcpus = count;
        return this;
    }

    /** An architecture option ({@code -o KEY=VALUE}). */
    public GuestRunner option(String key, String value) {
        options.put(key, value);
        return this;
    }

    /** Runs the guest until it terminates (powers off or fails) or the timeout passes (then it is stopped). */
    public GuestRun run(Path elf, Duration timeout) {
        return run(elf, timeout, (hv, id) -> {
        });
    }

    /** What a test may do while the guest runs: pause, save, swap an architecture or handler, type input. */
    @FunctionalInterface
    public interface WhileRunning {
        void accept(StandaloneHypervisor hypervisor, int vmId) throws Exception;
    }

    /**
     * Runs the guest and calls {@code during} on the calling thread once the VM has started; then waits for it to
     * terminate.
     */
    public GuestRun run(Path elf, Duration timeout, WhileRunning during) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StandaloneHypervisor hv = new StandaloneHypervisor()) {
            hv.add(architecture);
            handlers.forEach(h -> hv.add(architecture.id(), h.handler(), h.ranking(), h.classes()));
            extensions.forEach(hv::add);
            VmConfig config = VmConfig.of(architecture.id(), memoryBytes, vcpus, elf);
            for (Map.Entry<String, String> o : options.entrySet()) {
                config = config.withOption(o.getKey(), o.getValue());
            }
            VmManager vms = hv.vms();
            int id = vms.create(config);
            try (AutoCloseable console = vms.attachConsole(id, b -> {
                synchronized (out) {
                    out.write(b);
                }
            })) {
                long start = System.nanoTime();
                vms.start(id);
                during.accept(hv, id);
                VmInfo info = vms.awaitTermination(id, timeout.toMillis());
                long nanos = System.nanoTime() - start;
                if (info.state() != VmState.STOPPED && info.state() != VmState.FAILED) {
                    vms.stop(id);
                }
                String text;
                synchronized (out) {
                    text = out.toString(StandardCharsets.ISO_8859_1);
                }
                return new GuestRun(text, info, vms.exitCounts(id), hv.resolvedExitCounts(id),
                        hv.instructionsRetired(id), nanos);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("guest run of " + elf + " failed: " + e.getMessage(), e);
        }
    }
}
