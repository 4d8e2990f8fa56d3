package org.polyvisor.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
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
 * {@code polyvisor run}: boots the framework without the Gogo shell, hands one run request to the framework bundle
 * (a {@code CompletableFuture<Integer>} service, see {@link #register}) and exits with the guest's status.
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

    /** How long the framework bundle has to pick up the request before the launcher gives up. */
    static final long PICKUP_MILLIS = Long.getLong("polyvisor.run.pickupMillis", 30_000);
    /** Extra time over --timeout before the launcher itself gives up (the framework enforces --timeout). */
    static final long GRACE_MILLIS = 10_000;

    @Spec
    CommandSpec spec;

    @Mixin
    Main.Common common;

    @Option(names = "--arch", paramLabel = "ID",
            description = "Architecture id: arm64, ppc-booke, or any installed one (default: from the ELF e_machine).")
    String arch;

    @Option(names = "--mem", paramLabel = "SIZE", defaultValue = "128M", converter = SizeConverter.class,
            description = "Guest RAM, e.g. 64M, 1G (default: ${DEFAULT-VALUE}).")
    long mem;

    @Option(names = "--smp", paramLabel = "N", defaultValue = "1", description = "Number of vCPUs (default: ${DEFAULT-VALUE}).")
    int smp;

    @Option(names = "--host", paramLabel = "MODE", description = "arm64 host mode: vhe or nvhe (option host=MODE).")
    String host;

    @Option(names = "--ipa", paramLabel = "BITS", description = "arm64 IPA size in bits (option ipa=BITS).")
    Integer ipa;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE", description = "Architecture option (repeatable).")
    List<String> options = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Fail if the guest runs longer than this (default: no limit).")
    double timeoutSeconds;

    @Option(names = "--restore", paramLabel = "FILE",
            description = "Run a VM saved by pv:save instead of booting an image (its configuration comes from the file).")
    Path restore;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE.elf", description = "The guest ELF image.")
    Path image;

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
            if (!java.nio.file.Files.isRegularFile(snap)) {
                throw new Main.UserException(snap + ": no such snapshot file");
            }
            return runFramework(ctx -> registerRestore(ctx, snap, (long) Math.ceil(timeoutSeconds * 1000)),
                    (long) Math.ceil(timeoutSeconds * 1000));
        }
        Path img = image.toAbsolutePath().normalize();
        String machine = ElfHeader.checkAndInferArch(img);
        String archId = arch != null ? arch : machine;
        if (archId == null) {
            throw new Main.UserException(img + ": cannot tell the architecture from the ELF header (e_machine "
                    + ElfHeader.machine(img) + " is not arm64 (183) or ppc-booke (20)): use --arch");
        }
        List<String> opts = new ArrayList<>();
        if (host != null) {
            opts.add("host=" + host);
        }
        if (ipa != null) {
            opts.add("ipa=" + ipa);
        }
        opts.addAll(options);
        long timeoutMillis = (long) Math.ceil(timeoutSeconds * 1000);
        return runFramework(ctx -> result -> register(ctx, result, img, archId, mem, smp, opts, timeoutMillis),
                timeoutMillis);
    }

    /** Registers a restore request: the framework's runner restores the snapshot and runs it to power-off. */
    static java.util.function.Function<CompletableFuture<Integer>, ServiceRegistration<?>> registerRestore(
            BundleContext ctx, Path snapshot, long timeoutMillis) {
        return result -> {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(RUN, Boolean.TRUE);
            props.put(RUN + ".restore", snapshot.toString());
            props.put(TIMEOUT, timeoutMillis);
            return ctx.registerService(CompletableFuture.class.getName(), result, props);
        };
    }

    private int runFramework(java.util.function.Function<BundleContext,
            java.util.function.Function<CompletableFuture<Integer>, ServiceRegistration<?>>> request, long timeoutMillis)
            throws Exception {
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
        if (host != null && !host.equals("vhe") && !host.equals("nvhe")) {
            throw new ParameterException(cl, "Invalid value for option '--host': '" + host + "' (expected vhe or nvhe)");
        }
        if (ipa != null && (ipa < 1 || ipa > 64)) {
            throw new ParameterException(cl, "Invalid value for option '--ipa': " + ipa + " (bits, 1..64)");
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
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } finally {
            watcher.interrupt();
        }
    }

    /** Parses 128M, 2G, 64K, 65536 (bytes). */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String t = value.trim().toUpperCase(Locale.ROOT);
            if (t.endsWith("IB")) {
                t = t.substring(0, t.length() - 2);
            } else if (t.endsWith("B")) {
                t = t.substring(0, t.length() - 1);
            }
            int shift = 0;
            if (!t.isEmpty()) {
                switch (t.charAt(t.length() - 1)) {
                    case 'K' -> shift = 10;
                    case 'M' -> shift = 20;
                    case 'G' -> shift = 30;
                    case 'T' -> shift = 40;
                    default -> shift = 0;
                }
                if (shift != 0) {
                    t = t.substring(0, t.length() - 1);
                }
            }
            try {
                long v = Long.parseLong(t);
                if (v <= 0) {
                    throw new NumberFormatException();
                }
                return Math.multiplyExact(v, 1L << shift);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a size (a positive number with an optional K, M, G or T suffix)");
            }
        }
    }

    /** Reads just enough of an ELF header to fail early with a clear message and to infer the architecture. */
    static final class ElfHeader {
        static final int EM_PPC = 20;
        static final int EM_AARCH64 = 183;

        private ElfHeader() {
        }

        /** Checks the file is a readable ELF; returns the architecture its e_machine names, or null. */
        static String checkAndInferArch(Path file) {
            int m = machine(file);
            return switch (m) {
                case EM_AARCH64 -> "arm64";
                case EM_PPC -> "ppc-booke";
                default -> null;
            };
        }

        static int machine(Path file) {
            if (!Files.exists(file)) {
                throw new Main.UserException(file + ": no such file");
            }
            if (!Files.isRegularFile(file)) {
                throw new Main.UserException(file + ": not a regular file");
            }
            byte[] h;
            try (InputStream in = Files.newInputStream(file)) {
                h = in.readNBytes(20);
            } catch (IOException e) {
                throw new Main.UserException(file + ": cannot read: " + e.getMessage(), e);
            }
            if (h.length < 4 || h[0] != 0x7F || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
                throw new Main.UserException(file + ": not an ELF file (bad magic number)");
            }
            if (h.length < 20) {
                throw new Main.UserException(file + ": not a valid ELF file (truncated header, " + h.length + " bytes)");
            }
            int lo;
            int hi;
            switch (h[5]) {
                case 1 -> { lo = h[18] & 0xFF; hi = h[19] & 0xFF; }
                case 2 -> { lo = h[19] & 0xFF; hi = h[18] & 0xFF; }
                default -> throw new Main.UserException(file + ": not a valid ELF file (bad EI_DATA byte " + h[5] + ")");
            }
            return hi << 8 | lo;
        }
    }
}
