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
import org.polyvisor.spi.ExitObserver;
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
 * A plugin outside the tree names no implementation class: {@code GuestRunner.installed("arm64").observer(tracer)}.
 */
public final class GuestRunner {
    private record Handler(ExitHandler handler, int ranking, String[] classes) {
    }

    private final Architecture architecture;
    private final List<Handler> handlers = new ArrayList<>();
    private final List<VmExtension> extensions = new ArrayList<>();
    private final List<ExitObserver> observers = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private long memoryBytes = 128L << 20;
    private int vcpus = 1;

    private GuestRunner(Architecture architecture) {
        this.architecture = architecture;
    }

    /**
     * A runner for guests of this architecture: 128 MiB of RAM, one vCPU, no options until set.
     *
     * @param architecture the architecture the VM is built with
     * @return a new runner
     */
    public static GuestRunner on(Architecture architecture) {
        return new GuestRunner(architecture);
    }

    /**
     * A runner for an architecture bundle on the class path (a test dependency such as {@code polyvisor-arch-arm64}),
     * set up as Declarative Services would set it up in Felix: the bundle's {@link Architecture} component whose
     * {@value Architecture#PROPERTY} is {@code archId}, and every {@link ExitHandler} component registered for that
     * architecture, with its exit classes and service ranking - read from the bundles' component descriptions, so
     * a plugin's tests name no implementation class. Optional references (stage-2 providers, feature tables) stay
     * unbound, as in a framework where no feature bundle is installed.
     *
     * @param archId the architecture id, for example {@code arm64} or {@code ppc-booke}
     * @return a new runner with the architecture's own handlers registered
     * @throws IllegalArgumentException when no bundle on the class path provides that architecture
     */
    public static GuestRunner installed(String archId) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = context != null ? context : GuestRunner.class.getClassLoader();
        List<ClassPathComponents.Component> components = ClassPathComponents.all(loader);
        Architecture arch = null;
        for (ClassPathComponents.Component c : components) {
            if (c.services().contains(Architecture.class.getName()) && archId.equals(c.property(Architecture.PROPERTY))) {
                arch = (Architecture) c.instantiate(loader);
            }
        }
        if (arch == null) {
            throw new IllegalArgumentException("no architecture '" + archId + "' on the class path: add the bundle"
                    + " that provides it as a test dependency (for example polyvisor-arch-arm64)");
        }
        GuestRunner runner = new GuestRunner(arch);
        for (ClassPathComponents.Component c : components) {
            if (c.services().contains(ExitHandler.class.getName()) && archId.equals(c.property(ExitHandler.ARCH))) {
                String ranking = c.property("service.ranking");
                runner.handler((ExitHandler) c.instantiate(loader), ranking == null ? 0 : Integer.parseInt(ranking),
                        c.propertyValues(ExitHandler.EXIT_CLASS).toArray(String[]::new));
            }
        }
        return runner;
    }

    /**
     * Dispatches these exit classes to the handler (service ranking 0).
     *
     * @param handler     the handler
     * @param exitClasses the exit classes it takes, for example {@code HVC64}
     * @return this runner
     */
    public GuestRunner handler(ExitHandler handler, String... exitClasses) {
        return handler(handler, 0, exitClasses);
    }

    /**
     * Dispatches exit classes with a ranking: the highest wins when two handlers claim a class (override the
     * architecture's own).
     *
     * @param handler     the handler
     * @param ranking     its service ranking
     * @param exitClasses the exit classes it takes
     * @return this runner
     */
    public GuestRunner handler(ExitHandler handler, int ranking, String... exitClasses) {
        handlers.add(new Handler(handler, ranking, exitClasses.clone()));
        return this;
    }

    /**
     * Registers an exit observer: it sees every architecture exit around its handler, as in Felix.
     *
     * @param observer the observer
     * @return this runner
     */
    public GuestRunner observer(ExitObserver observer) {
        observers.add(observer);
        return this;
    }

    /**
     * Attaches a VM extension (a device, a tracer) to the VM.
     *
     * @param extension the extension; it attaches if it applies to the VM's configuration
     * @return this runner
     */
    public GuestRunner extension(VmExtension extension) {
        extensions.add(extension);
        return this;
    }

    /**
     * Sets the guest RAM size (default 128 MiB).
     *
     * @param bytes a positive multiple of 4 KiB
     * @return this runner
     */
    public GuestRunner memory(long bytes) {
        this.memoryBytes = bytes;
        return this;
    }

    /**
     * Sets the number of vCPUs (default 1).
     *
     * @param count 1 to 256
     * @return this runner
     */
    public GuestRunner vcpus(int count) {
        this.vcpus = count;
        return this;
    }

    /**
     * Sets an architecture option, as {@code -o KEY=VALUE} does on the command line.
     *
     * @param key   the option, for example {@code host}
     * @param value its value, for example {@code nvhe}
     * @return this runner
     */
    public GuestRunner option(String key, String value) {
        options.put(key, value);
        return this;
    }

    /**
     * Runs the guest until it terminates (powers off or fails) or the timeout passes (then it is stopped).
     *
     * @param elf     the guest image
     * @param timeout longest run
     * @return how the run ended
     */
    public GuestRun run(Path elf, Duration timeout) {
        return run(elf, timeout, (hv, id) -> {
        });
    }

    /** What a test may do while the guest runs: pause, save, swap an architecture or handler, type input. */
    @FunctionalInterface
    public interface WhileRunning {
        /**
         * Acts on the running VM.
         *
         * @param hypervisor the in-process hypervisor running it (VM manager, registrations)
         * @param vmId       the VM's id
         * @throws Exception anything the test's action throws; it fails the run
         */
        void accept(StandaloneHypervisor hypervisor, int vmId) throws Exception;
    }

    /**
     * Runs the guest and calls {@code during} on the calling thread once the VM has started; then waits for it to
     * terminate.
     *
     * @param elf     the guest image
     * @param timeout longest run, the action included
     * @param during  what the test does while the guest runs
     * @return how the run ended
     */
    public GuestRun run(Path elf, Duration timeout, WhileRunning during) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StandaloneHypervisor hv = new StandaloneHypervisor()) {
            hv.add(architecture);
            handlers.forEach(h -> hv.add(architecture.id(), h.handler(), h.ranking(), h.classes()));
            extensions.forEach(hv::add);
            observers.forEach(hv::add);
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
