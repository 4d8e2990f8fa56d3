package org.polyvisor.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Starts an Apache Felix framework from a Polyvisor distribution folder. Embeddable: tests call
 * {@link #start(Path, Mode, List)} and talk to the started framework's services reflectively.
 *
 * <p>The folder holds {@code bundles/<level>/*.jar}: each jar is installed with that start level and started; the
 * framework's start level becomes the highest level. {@code bundles/shell/} holds the Gogo shell, installed only in
 * {@link Mode#SHELL}, last, at the highest level (so it reads commands once everything else started). {@code extra/*.jar} and any extra bundle (a jar or a
 * folder of jars) passed in are installed at {@link #EXTRA_LEVEL}, at least the highest level. Every run gets a
 * fresh, temporary bundle cache that is deleted on {@link #stop(Framework, long)} (or at JVM exit).
 *
 * <p>All diagnostics (Felix, SLF4J) go to stderr: stdout stays free for the guest console.
 */
public final class PolyvisorLauncher {
    /** Start level of the user's bundles from {@code extra/} and {@code --extra-bundles}. */
    public static final int EXTRA_LEVEL = 5;
    /** Framework property naming the fresh storage folder (deleted on stop). */
    private static final String STORAGE_PREFIX = "polyvisor-felix-";

    private PolyvisorLauncher() {
    }

    /** Starts the framework with the default configuration. */
    public static Framework start(Path distributionDir, Mode mode, List<Path> extraBundles) throws BundleException {
        return start(distributionDir, mode, extraBundles, Map.of());
    }

    /**
     * Starts the framework: installs and starts every bundle of the distribution (by start level), then the extra
     * bundles; returns once the framework has reached its final start level. Bundles that fail to install or start
     * are reported on stderr; the framework still starts (check {@link Bundle#getState()}).
     *
     * @param extraConfig extra framework properties (override the defaults)
     */
    public static Framework start(Path distributionDir, Mode mode, List<Path> extraBundles,
            Map<String, String> extraConfig) throws BundleException {
        Path dist = distributionDir.toAbsolutePath().normalize();
        Path bundlesDir = dist.resolve("bundles");
        if (!Files.isDirectory(bundlesDir)) {
            throw new BundleException("not a Polyvisor distribution (no bundles/ folder): " + dist);
        }
        // level -> jars, in file name order
        TreeMap<Integer, List<Path>> byLevel = new TreeMap<>();
        for (Path dir : list(bundlesDir)) {
            String name = dir.getFileName().toString();
            if (Files.isDirectory(dir) && name.matches("\\d+")) {
                byLevel.computeIfAbsent(Integer.parseInt(name), k -> new ArrayList<>()).addAll(jars(dir));
            }
        }
        int extraLevel = Math.max(EXTRA_LEVEL, byLevel.isEmpty() ? 1 : byLevel.lastKey());
        List<Path> extras = new ArrayList<>(jars(dist.resolve("extra")));
        for (Path p : extraBundles) {
            if (Files.isDirectory(p)) {
                extras.addAll(jars(p));
            } else if (Files.isRegularFile(p)) {
                extras.add(p);
            } else {
                throw new BundleException("extra bundle not found: " + p);
            }
        }
        if (!extras.isEmpty()) {
            byLevel.computeIfAbsent(extraLevel, k -> new ArrayList<>()).addAll(extras);
        }
        int beginning = byLevel.isEmpty() ? 1 : byLevel.lastKey();
        if (mode == Mode.SHELL) {
            // the shell starts reading commands as soon as it starts: install it last, at the highest level, so
            // piped commands (`lb`, `pv:archs`) see every other bundle started (Felix starts a level in install order)
            byLevel.computeIfAbsent(beginning, k -> new ArrayList<>()).addAll(jars(bundlesDir.resolve("shell")));
        }

        configureLogging(mode);
        Path storage;
        try {
            storage = Files.createTempDirectory(STORAGE_PREFIX);
        } catch (IOException e) {
            throw new BundleException("cannot create the bundle cache folder: " + e.getMessage(), e);
        }
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(beginning));
        config.put("felix.log.level", mode == Mode.SHELL ? "2" : "1");
        config.put("ds.loglevel", "warn");
        config.put("polyvisor.home", dist.toString());
        if (mode == Mode.SHELL) {
            // Felix FileInstall (shell mode only) watches hot/; the framework's HotDeployInstaller turns a jar dropped
            // there into a swap of the installed bundle with the same symbolic name
            Path hot = dist.resolve("hot");
            try {
                Files.createDirectories(hot);
            } catch (IOException e) {
                throw new BundleException("cannot create the hot folder " + hot + ": " + e.getMessage(), e);
            }
            config.put("felix.fileinstall.dir", hot.toString());
            config.put("felix.fileinstall.poll", "1000");
            config.put("felix.fileinstall.noInitialDelay", "true");
            config.put("felix.fileinstall.log.level", "2");
            config.put("felix.fileinstall.filter", ".*\\.jar"); // the folder's README is not an artifact
            // Main's shutdown hook stops the framework after silencing the shell (ShellConsole): Felix's own hook
            // would race it and let the interrupted shell print its InterruptedException on `exit`
            config.put("felix.shutdown.hook", "false");
        }
        config.putAll(extraConfig);

        Map<String, Object> felixConfig = new HashMap<>(config);
        felixConfig.put("felix.log.logger", new StderrLogger());
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, PolyvisorLauncher.class.getClassLoader())
                .findFirst().orElseThrow(() -> new BundleException("no OSGi framework (Felix) on the class path"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Framework framework = factory.newFramework((Map) felixConfig);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(storage), "polyvisor-cache-cleanup"));
        framework.init();
        BundleContext ctx = framework.getBundleContext();
        ctx.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                Bundle b = event.getBundle();
                System.err.println("polyvisor: bundle " + (b == null ? "?" : b.getSymbolicName()) + ": "
                        + describe(event.getThrowable()));
            }
        });
        for (var entry : byLevel.entrySet()) {
            for (Path jar : entry.getValue()) {
                install(ctx, jar, entry.getKey());
            }
        }
        framework.start(); // Felix raises the start level to `beginning` before returning
        return framework;
    }

    private static void install(BundleContext ctx, Path jar, int level) {
        try {
            Bundle b = ctx.installBundle(jar.toUri().toString());
            b.adapt(BundleStartLevel.class).setStartLevel(level);
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start(); // persistent: the bundle starts when the framework reaches its level
            }
        } catch (BundleException | RuntimeException e) {
            System.err.println("polyvisor: cannot install " + jar.getFileName() + ": " + describe(e));
        }
    }

    /**
     * Stops the framework, waits up to {@code timeoutMillis} for it and deletes its bundle cache. Returns false if
     * the framework did not stop in time.
     */
    public static boolean stop(Framework framework, long timeoutMillis) {
        String storage = framework.getBundleContext() == null ? null
                : framework.getBundleContext().getProperty(Constants.FRAMEWORK_STORAGE);
        boolean stopped = true;
        try {
            framework.stop();
            stopped = framework.waitForStop(timeoutMillis).getType() != FrameworkEvent.WAIT_TIMEDOUT;
        } catch (BundleException e) {
            System.err.println("polyvisor: stopping the framework: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        if (stopped && storage != null && Path.of(storage).getFileName().toString().startsWith(STORAGE_PREFIX)) {
            deleteTree(Path.of(storage));
        }
        return stopped;
    }

    /** SLF4J simple: log to stderr; info in the shell, warn when running a guest (unless set already). */
    private static void configureLogging(Mode mode) {
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel",
                mode == Mode.SHELL ? "info" : "warn");
        // SPI Fly logs through java.util.logging (stderr, two lines per record that the shell's log filter cannot
        // tell from a warning): only warnings unless SLF4J is at debug or finer (-v)
        String level = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
        SPIFLY_LOG.setLevel(level.equals("debug") || level.equals("trace") ? Level.INFO : Level.WARNING);
    }

    /** Held strongly: java.util.logging keeps only weak references to configured loggers. */
    private static final Logger SPIFLY_LOG = Logger.getLogger("org.apache.aries.spifly");

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        String msg = t.getMessage();
        if (t.getCause() != null && t.getCause() != t && (msg == null || t instanceof BundleException)) {
            String cause = describe(t.getCause());
            return msg == null ? cause : msg + ": " + cause;
        }
        return msg == null ? t.getClass().getName() : msg;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> jars(Path dir) {
        return list(dir).stream().filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                .toList();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp folder
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    /** Felix's own log goes to System.out by default: send it to stderr. */
    static final class StderrLogger extends org.apache.felix.framework.Logger {
        private static final String[] LEVELS = {"", "ERROR", "WARNING", "INFO", "DEBUG"};

        @Override
        protected void doLogOut(int level, String s, Throwable throwable) {
            PrintStream err = System.err;
            String lvl = level >= 1 && level <= 4 ? LEVELS[level] : "LOG";
            synchronized (err) {
                err.println("felix " + lvl + ": " + s + (throwable == null ? "" : " (" + describe(throwable) + ")"));
                if (throwable != null && level <= 1 && Boolean.getBoolean("polyvisor.debug")) {
                    throwable.printStackTrace(err);
                }
            }
        }
    }
}
