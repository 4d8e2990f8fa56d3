package org.polyvisor.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code polyvisor run}: boots the framework without the Gogo shell, asks it which architectures are installed,
 * picks the one whose ELF machine matches the image (or {@code --arch}), checks the options against what that
 * architecture declares, hands one run request to the framework bundle (a {@code CompletableFuture<Integer>}
 * service, see {@link #register}) and exits with the guest's status. Any {@code --NAME VALUE} that is not a run
 * option means {@code -o NAME=VALUE} when the chosen architecture declares {@code NAME} ({@code --host nvhe}).
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one guest headless until it powers off; exit with its status.",
                "stdout carries the guest console only; logs and errors go to stderr."})
final class RunCommand implements Callable<Integer> {
    /** Service properties of the headless run request (the protocol shared with the framework bundle). */
    static final String RUN = "polyvisor.run";
    static final String IMAGE = "polyvisor.run.image";
    static final String ARCH = "polyvisor.run.arch";
    static final String MEM = "polyvisor.run.mem";
    static final String SMP = "polyvisor.run.smp";
    static final String OPTIONS = "polyvisor.run.options";
    static final String TIMEOUT = "polyvisor.run.timeout";
    static final String DESCRIBE = "polyvisor.run.describe";
    static final String ELF_MACHINE = "polyvisor.run.elfMachine";
    /** The help section listing the installed architectures (only when help is asked for: it starts Felix). */
    static final String SECTION_ARCHITECTURES = "installedArchitectures";

    /** How long the framework bundle has to pick up the request before the launcher gives up. */
    static final long PICKUP_MILLIS = Long.getLong("polyvisor.run.pickupMillis", 30_000);
    /** Extra time over --timeout before the launcher itself gives up (the framework enforces --timeout). */
    static final long GRACE_MILLIS = 10_000;

    @Spec
    CommandSpec spec;

    @Mixin
    Main.Common common;

    @Option(names = "--arch", paramLabel = "ID",
            description = "Architecture id, one of the installed ones (default: the one for the image's ELF e_machine).")
    String arch;

    @Option(names = "--mem", paramLabel = "SIZE", defaultValue = "128M", converter = SizeConverter.class,
            description = "Guest RAM, e.g. 64M, 1G (default: ${DEFAULT-VALUE}).")
    long mem;

    @Option(names = "--smp", paramLabel = "N", defaultValue = "1", description = "Number of vCPUs (default: ${DEFAULT-VALUE}).")
    int smp;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
            description = {"Architecture option (repeatable); --KEY VALUE says the same.",
                "The installed architectures declare their options: see the list below (run --help)."})
    List<String> options = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Fail if the guest runs longer than this (default: no limit).")
    double timeoutSeconds;

    @Option(names = "--restore", paramLabel = "FILE",
            description = "Run a VM saved by pv:save instead of booting an image (its configuration comes from the file).")
    Path restore;

    /** The image and any {@code --NAME VALUE} architecture options (unknown options arrive here as positionals). */
    @Parameters(arity = "0..*", paramLabel = "IMAGE.elf", description = "The guest ELF image.")
    List<String> arguments = new ArrayList<>();

    /** From {@link #arguments}: the image, and the {@code --NAME VALUE} pairs as {@code {NAME, VALUE}}. */
    Path image;
    final List<String[]> archFlags = new ArrayList<>();

    @Override
    public Integer call() {
        try {
            return run();
        } catch (ParameterException e) {
            throw e; // picocli prints it with the usage and exits 2
        } catch (Main.UserException e) {
            return Main.fail(e.getMessage());
        } catch (Exception e) {
            return Main.fail(PolyvisorLauncher.describe(e));
        }
    }

    private int run() throws Exception {
        validateArguments();
        if (restore != null) {
            Path snap = restore.toAbsolutePath().normalize();
            if (!Files.isRegularFile(snap)) {
                throw new Main.UserException(snap + ": no such snapshot file");
            }
            return runFramework(ctx -> registerRestore(ctx, snap, (long) Math.ceil(timeoutSeconds * 1000)),
                    (long) Math.ceil(timeoutSeconds * 1000));
        }
        Path img = image.toAbsolutePath().normalize();
        int machine = ElfHeader.machine(img);
        long timeoutMillis = (long) Math.ceil(timeoutSeconds * 1000);
        return runFramework(ctx -> {
            InstalledArchitectures installed = describe(ctx, arch, machine);
            InstalledArchitectures.Arch chosen = installed.choose(arch, machine, img);
            List<String> opts = InstalledArchitectures.options(chosen, options, archFlags);
            return result -> register(ctx, result, img, chosen.id(), mem, smp, opts, timeoutMillis);
        }, timeoutMillis);
    }

    /**
     * Asks the framework's runner which architectures are installed, after it waited (bounded) for the one named
     * {@code archId} or booting {@code elfMachine} (bundles register their services asynchronously).
     */
    static InstalledArchitectures describe(BundleContext ctx, String archId, int elfMachine) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(RUN, Boolean.TRUE);
        props.put(DESCRIBE, Boolean.TRUE);
        if (archId != null) {
            props.put(ARCH, archId);
        } else if (elfMachine >= 0) {
            props.put(ELF_MACHINE, elfMachine);
        }
        ServiceRegistration<?> reg = ctx.registerService(CompletableFuture.class.getName(), result, props);
        try {
            return InstalledArchitectures.fromCatalog(result.get(PICKUP_MILLIS, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new Main.UserException("no Polyvisor runner answered within " + PICKUP_MILLIS / 1000
                    + " s (is the polyvisor-framework bundle active? run 'polyvisor shell' and 'lb' to check)");
        } catch (ExecutionException e) {
            throw new Main.UserException(PolyvisorLauncher.describe(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Main.UserException("interrupted");
        } finally {
            reg.unregister();
        }
    }

    /**
     * The {@code run --help} section listing the installed architectures and their options. Only when help was asked
     * for (not under an argument error's usage): it starts the framework to ask the bundles.
     */
    static String architecturesSection(CommandLine.Help help) {
        if (!help.commandSpec().commandLine().isUsageHelpRequested()) {
            return "";
        }
        RunCommand run = (RunCommand) help.commandSpec().userObject();
        try {
            Framework fw = PolyvisorLauncher.start(run.common.home(), Mode.HEADLESS, run.common.extraBundles());
            try {
                return System.lineSeparator() + describe(fw.getBundleContext(), null, -1).describe();
            } finally {
                PolyvisorLauncher.stop(fw, 10_000);
            }
        } catch (Main.UserException | BundleException e) {
            return System.lineSeparator() + "Installed architectures: unknown (" + PolyvisorLauncher.describe(e) + ")"
                    + System.lineSeparator();
        }
    }

    /** Splits {@link #arguments} into the image and the {@code --NAME VALUE} / {@code --NAME=VALUE} pairs. */
    void splitArguments() {
        CommandLine cl = spec.commandLine();
        archFlags.clear();
        image = null;
        for (int i = 0; i < arguments.size(); i++) {
            String a = arguments.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                int eq = a.indexOf('=');
                if (eq > 2) {
                    archFlags.add(new String[] {a.substring(2, eq), a.substring(eq + 1)});
                } else if (i + 1 < arguments.size() && !arguments.get(i + 1).startsWith("-")) {
                    archFlags.add(new String[] {a.substring(2), arguments.get(++i)});
                } else {
                    throw new ParameterException(cl, "Missing value for option '" + a + "' (" + a + " VALUE)");
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                throw new ParameterException(cl, "Unknown option: '" + a + "'");
            } else if (image == null) {
                image = Path.of(a);
            } else {
                throw new ParameterException(cl, "Unexpected argument '" + a + "': the image is " + image);
            }
        }
    }

    /** Registers a restore request: the framework's runner restores the snapshot and runs it to power-off. */
    static Function<CompletableFuture<Integer>, ServiceRegistration<?>> registerRestore(
            BundleContext ctx, Path snapshot, long timeoutMillis) {
        return result -> {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(RUN, Boolean.TRUE);
            props.put(RUN + ".restore", snapshot.toString());
            props.put(TIMEOUT, timeoutMillis);
            return ctx.registerService(CompletableFuture.class.getName(), result, props);
        };
    }

    private int runFramework(Function<BundleContext, Function<CompletableFuture<Integer>, ServiceRegistration<?>>> request,
            long timeoutMillis) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", common.verbose ? "info" : "warn");
        // stdout belongs to the guest: the framework's runner writes the console to FileDescriptor.out itself, so
        // anything a bundle prints through System.out (a stray println, a library banner) goes to stderr instead
        System.out.flush();
        System.setOut(System.err);
        Framework fw = PolyvisorLauncher.start(common.home(), Mode.HEADLESS, common.extraBundles());
        Main.RUNNING.set(fw);
        Main.installShutdownHook();
        CompletableFuture<Integer> result = new CompletableFuture<>();
        int code;
        try {
            request.apply(fw.getBundleContext()).apply(result);
            code = await(fw, result, timeoutMillis);
        } finally {
            Main.RUNNING.set(null);
            if (!PolyvisorLauncher.stop(fw, 10_000)) {
                System.err.println("polyvisor: the framework did not stop within 10 s; exiting anyway");
            }
        }
        return code;
    }

    private void validateArguments() {
        CommandLine cl = spec.commandLine();
        splitArguments();
        if (restore != null && !archFlags.isEmpty()) {
            throw new ParameterException(cl, "Option '--" + archFlags.get(0)[0] + "' does not go with --restore (the"
                    + " snapshot brings the VM's options)");
        }
        if ((image == null) == (restore == null)) {
            throw new ParameterException(cl, image == null ? "Missing required parameter: 'IMAGE.elf' (or --restore FILE)"
                    : "Give either IMAGE.elf or --restore FILE, not both");
        }
        if (smp < 1) {
            throw new ParameterException(cl, "Invalid value for option '--smp': " + smp + " (must be at least 1)");
        }
        if (timeoutSeconds < 0 || Double.isNaN(timeoutSeconds) || Double.isInfinite(timeoutSeconds)) {
            throw new ParameterException(cl, "Invalid value for option '--timeout': " + timeoutSeconds
                    + " (seconds, 0 for none)");
        }
        for (String o : options) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(cl, "Invalid value for option '--option': '" + o + "' (expected KEY=VALUE)");
            }
        }
    }

    /** Registers the run request on the system bundle: the framework bundle's headless runner picks it up. */
    static ServiceRegistration<?> register(BundleContext ctx, CompletableFuture<Integer> result, Path image,
            String arch, long mem, int smp, List<String> options, long timeoutMillis) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(RUN, Boolean.TRUE);
        props.put(IMAGE, image.toString());
        props.put(ARCH, arch);
        props.put(MEM, mem);
        props.put(SMP, smp);
        props.put(OPTIONS, options.toArray(String[]::new));
        props.put(TIMEOUT, timeoutMillis);
        return ctx.registerService(CompletableFuture.class.getName(), result, props);
    }

    /**
     * Waits for the result. Fails if the framework stops first, if nobody picks up the request in
     * {@link #PICKUP_MILLIS}, or if the guest overruns {@code timeoutMillis} by more than {@link #GRACE_MILLIS}.
     */
    static int await(Framework fw, CompletableFuture<Integer> result, long timeoutMillis) throws InterruptedException {
        Thread watcher = Thread.ofPlatform().daemon().name("polyvisor-framework-watch").start(() -> {
            try {
                fw.waitForStop(0);
                result.completeExceptionally(new Main.UserException(
                        "the OSGi framework stopped before the guest finished"));
            } catch (InterruptedException ignored) {
                // launcher done
            }
        });
        try {
            long start = System.nanoTime();
            boolean pickedUp = false;
            var reg = fw.getBundleContext().getServiceReferences(CompletableFuture.class.getName(),
                    "(" + RUN + "=true)");
            while (true) {
                try {
                    Integer code = result.get(100, TimeUnit.MILLISECONDS);
                    return code == null ? 0 : code;
                } catch (TimeoutException e) {
                    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    if (!pickedUp && reg != null) {
                        for (var r : reg) {
                            pickedUp |= r.getUsingBundles() != null;
                        }
                    }
                    if (!pickedUp && elapsed > PICKUP_MILLIS) {
                        result.cancel(false);
                        throw new Main.UserException("no Polyvisor runner picked up the run request within "
                                + PICKUP_MILLIS / 1000 + " s (is the polyvisor-framework bundle active? "
                                + "run 'polyvisor shell' and 'lb' to check)");
                    }
                    if (timeoutMillis > 0 && elapsed > timeoutMillis + GRACE_MILLIS) {
                        result.cancel(true);
                        throw new Main.UserException("the guest did not finish within " + timeoutMillis / 1000.0 + " s");
                    }
                } catch (ExecutionException e) {
                    throw new Main.UserException(PolyvisorLauncher.describe(e.getCause()), e.getCause());
                } catch (CancellationException e) {
                    throw new Main.UserException("the run was cancelled");
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } finally {
            watcher.interrupt();
        }
    }
}
