package org.polyvisor.distribution;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.FrameworkWiring;
import org.polyvisor.launcher.Mode;
import org.polyvisor.launcher.PolyvisorLauncher;
import org.polyvisor.testarch.ToyIsa;
import org.polyvisor.testarch.ToyProgram;
import org.polyvisor.testkit.Await;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * A real Felix from the assembled distribution plus the test architecture bundle, driven through Gogo commands
 * (Polyvisor classes are not on this class path), with the operations hot-swap tests and benchmarks need.
 */
public final class HotSwapSupport implements AutoCloseable {
    /** Poll interval of the waits: the conditions here are shell commands and service look-ups, not free. */
    private static final Duration POLL = Duration.ofMillis(20);
    public static final String TESTARCH = "org.polyvisor.testarch";
    private final Framework framework;
    private final BundleContext ctx;
    private final byte[] testarchJar;

    private HotSwapSupport(Framework framework) throws IOException {
        this.framework = framework;
        this.ctx = framework.getBundleContext();
        try (var s = Files.list(Dist.TEST_BUNDLES)) {
            Path jar = s.filter(p -> p.getFileName().toString().startsWith("polyvisor-testarch")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no polyvisor-testarch jar in " + Dist.TEST_BUNDLES));
            this.testarchJar = Files.readAllBytes(jar);
        }
    }

    public static HotSwapSupport start() throws Exception {
        return start(List.of(), java.util.Map.of());
    }

    /** With more bundles (besides the test architecture) and framework properties. */
    public static HotSwapSupport start(List<Path> moreBundles, java.util.Map<String, String> config) throws Exception {
        List<Path> extras = new ArrayList<>(List.of(Dist.TEST_BUNDLES));
        extras.addAll(moreBundles);
        HotSwapSupport s = new HotSwapSupport(PolyvisorLauncher.start(Dist.HOME, Mode.HEADLESS, extras, config));
        s.waitFor("the test architecture and the pv commands", () -> s.architectureRegistered("test")
                && s.hasPvCommands(), 20_000);
        return s;
    }

    /** Busy work, MMIO to the UART and to the extension's counter device, and hypercall exits in every round. */
    public static Path busyGuest(Path dir, int rounds) {
        return ToyProgram.builder()
                .li(1, 1).li(2, rounds).li(4, 31)
                .label("outer").li(3, 20_000)
                .label("inner").op(ToyIsa.MUL, 1, 4, 0).addi(1, 7).addi(3, -1).bnz(3, "inner")
                .mw(1, ToyIsa.COUNTER_BASE).mr(5, ToyIsa.COUNTER_BASE).op(ToyIsa.SHR, 5, 0, 28).addi(5, 'a').out(5)
                .hcall(0).addi(2, -1).bnz(2, "outer")
                .print("\nend\n").halt(0)
                .writeTo(dir.resolve("swap-guest-" + rounds + ".elf"));
    }

    public Framework framework() {
        return framework;
    }

    /** How many bundles with this symbolic name are installed (a side-by-side swap must leave one). */
    public long installedCount(String bsn) {
        return Arrays.stream(ctx.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).count();
    }

    public Bundle bundle(String bsn) {
        return Arrays.stream(ctx.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst().orElseThrow();
    }

    /** Updates the test architecture bundle with its jar re-versioned, refreshes it, waits for the architecture. */
    public void updateTestarch(String version) throws Exception {
        updateBundle(TESTARCH, testarchJar, version, "test");
    }

    public byte[] testarchJarBytes() {
        return testarchJar.clone();
    }

    /** Runs a command that must fail; returns its error message. */
    public String gogoError(String command) {
        try {
            String out = gogo(command);
            throw new AssertionError("'" + command + "' did not fail: " + out);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** The jar a distribution bundle was installed from (bundles/5). */
    public static byte[] distributionJar(String filePrefix) throws IOException {
        Path jar = Dist.level5Jar(filePrefix);
        if (jar == null) {
            throw new IllegalStateException("no " + filePrefix + " jar in " + Dist.HOME.resolve("bundles/5"));
        }
        return Files.readAllBytes(jar);
    }

    /**
     * Updates a bundle with the given jar re-versioned (what a rebuilt jar looks like), refreshes it, and waits until
     * the architecture {@code archId} is registered again.
     */
    public void updateBundle(String bsn, byte[] jar, String version, String archId) throws Exception {
        updateBundle(bsn, jar, version, () -> architectureRegistered(archId));
    }

    /** Refreshes a bundle (for example one just uninstalled) and waits until the framework is done. */
    public void refresh(Bundle b) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        framework.adapt(FrameworkWiring.class).refreshBundles(List.of(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        if (!done.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("refresh of " + b.getSymbolicName() + " did not finish in 20 s");
        }
    }

    /** Updates and refreshes a bundle with the jar re-versioned, then waits until {@code ready} holds. */
    public void updateBundle(String bsn, byte[] jar, String version, BooleanSupplier ready) throws Exception {
        Bundle b = bundle(bsn);
        b.update(new ByteArrayInputStream(withVersion(jar, version)));
        refresh(b);
        waitFor(bsn + " " + version + " ready after its update", ready, 10_000);
    }

    /** The same jar with another Bundle-Version: what a rebuilt bundle looks like to the framework. */
    public static byte[] withVersion(byte[] jar, String version) throws IOException {
        return withHeader(jar, "Bundle-Version", version);
    }

    /** The same jar with one manifest header set (for example an Import-Package nothing exports). */
    public static byte[] withHeader(byte[] jar, String header, String value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name(header), value);
            try (JarOutputStream jo = new JarOutputStream(out, mf)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                    jo.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jo);
                    jo.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    public int createAndStart(Path image) throws Exception {
        return createAndStart("test", "1M", image);
    }

    public int createAndStart(String arch, String mem, Path image) throws Exception {
        return createAndStart(arch, mem, 1, image);
    }

    public int createAndStart(String arch, String mem, int smp, Path image) throws Exception {
        return createAndStart(arch, mem, smp, "", image);
    }

    /** With architecture options ({@code key=value,...}; empty for none). */
    public int createAndStart(String arch, String mem, int smp, String options, Path image) throws Exception {
        String created = gogo("pv:create -a " + arch + " -m " + mem + " -c " + smp
                + (options.isEmpty() ? "" : " -o " + options) + " " + image);
        int id = Integer.parseInt(created.replaceAll("(?s).*VM (\\d+) created.*", "$1"));
        gogo("pv:start " + id);
        return id;
    }

    public String state(int id) {
        try {
            return gogo("pv:list").lines().map(String::trim).filter(l -> l.startsWith(id + " ")).findFirst()
                    .map(l -> l.split("\\s+")[3]).orElse("GONE");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the VM stopped or failed; returns its console text ("FAILED: ..." when it did not stop). */
    public String awaitStoppedAndConsole(int id, long millis) throws Exception {
        waitFor("VM " + id + " STOPPED or FAILED", () -> state(id).equals("STOPPED") || state(id).equals("FAILED"),
                millis);
        String state = state(id);
        if (!state.equals("STOPPED")) {
            return state + ": " + gogo("pv:list");
        }
        return gogo("pv:console " + id);
    }

    /** The VM's swap pauses in microseconds, parsed from {@code pv:pauses}. */
    public List<Long> swapPausesMicros(int id) throws Exception {
        String out = gogo("pv:pauses " + id);
        List<Long> micros = new ArrayList<>();
        String first = out.lines().findFirst().orElse("");
        int colon = first.indexOf("):");
        if (colon > 0) {
            for (String v : first.substring(colon + 2).trim().split("\\s+")) {
                micros.add(Math.round(Double.parseDouble(v) * 1000));
            }
        }
        return micros;
    }

    public boolean architectureRegistered(String id) {
        return registered("org.polyvisor.spi.Architecture", "(polyvisor.arch=" + id + ")");
    }

    /** Whether any service of this interface (by name) is registered. */
    public boolean serviceRegistered(String clazz) {
        return registered(clazz, null);
    }

    public boolean extensionRegistered(String id) {
        return registered("org.polyvisor.spi.VmExtension", "(polyvisor.extension=" + id + ")");
    }

    private boolean registered(String clazz, String filter) {
        try {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(clazz, filter);
            return refs != null && refs.length > 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Writes a heap dump of live objects to target/NAME-millis.hprof (to find what keeps a class loader). */
    public static Path dumpHeap(String name) throws IOException {
        Path file = Path.of("target", name + "-" + System.currentTimeMillis() + ".hprof").toAbsolutePath();
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
        return file;
    }

    boolean hasPvCommands() {
        return registered(null, "(osgi.command.scope=pv)");
    }

    /** Runs a Gogo command line; returns its printed output and its value. */
    public String gogo(String command) throws Exception {
        return Gogo.run(ctx, command);
    }

    /** Waits until {@code condition} holds; on timeout the test fails with the bundles' and VMs' states. */
    public void waitFor(String description, BooleanSupplier condition, long millis) {
        Await.until(description, condition, Duration.ofMillis(millis), POLL, this::describe);
    }

    /** Bundles that are not active, and the VM list: what a failed wait reports. */
    String describe() {
        String bundles = Arrays.stream(ctx.getBundles()).filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState()).toList().toString();
        String vms;
        try {
            vms = gogo("pv:list");
        } catch (Exception e) {
            vms = "(pv:list failed: " + e.getMessage() + ")";
        }
        return "bundles not active: " + bundles + "; VMs:\n" + vms;
    }

    @Override
    public void close() {
        if (!PolyvisorLauncher.stop(framework, 10_000)) {
            throw new IllegalStateException("framework did not stop within 10 s");
        }
    }
}
