package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.polyvisor.launcher.Mode;
import org.polyvisor.launcher.PolyvisorLauncher;
import org.polyvisor.testarch.ToyIsa;
import org.polyvisor.testarch.ToyProgram;

/**
 * Hot swap in a real Felix: the bundle that provides an architecture (and a VM extension with device state) is
 * updated with rebuilt jars of other Bundle-Versions while VMs run; the guests' console output must be byte-identical
 * to an uninterrupted run, and the old bundle revisions' class loaders must be collectable afterwards.
 */
class HotSwapIT {
    static Framework framework;
    static BundleContext ctx;

    @BeforeAll
    static void startFelix() throws Exception {
        framework = PolyvisorLauncher.start(Dist.HOME, Mode.HEADLESS, List.of(Dist.TEST_BUNDLES));
        ctx = framework.getBundleContext();
        waitFor(() -> architectureRegistered("test"), 20_000);
        waitFor(() -> hasPvCommands(), 20_000);
    }

    @AfterAll
    static void stopFelix() {
        if (framework != null) {
            assertTrue(PolyvisorLauncher.stop(framework, 10_000), "framework stops within 10 s");
        }
    }

    /** Busy work, MMIO to the UART and to the extension's counter device, and hypercall exits in every round. */
    static Path guest(Path dir, int rounds) {
        return ToyProgram.builder()
                .li(1, 1).li(2, rounds).li(4, 31)
                .label("outer").li(3, 20_000)
                .label("inner").op(ToyIsa.MUL, 1, 4, 0).addi(1, 7).addi(3, -1).bnz(3, "inner")
                .mw(1, ToyIsa.COUNTER_BASE).mr(5, ToyIsa.COUNTER_BASE).op(ToyIsa.SHR, 5, 0, 28).addi(5, 'a').out(5)
                .hcall(0).addi(2, -1).bnz(2, "outer")
                .print("\nend\n").halt(0)
                .writeTo(dir.resolve("swap-guest-" + rounds + ".elf"));
    }

    @Test
    void vmsSurviveTwentyUpdatesOfTheirArchitectureBundleWithIdenticalOutput(@TempDir Path dir) throws Exception {
        Path image = guest(dir, 1_500);
        int ref = createAndStart(image);
        String expected = awaitStoppedAndConsole(ref, 120_000);
        assertTrue(expected.endsWith("end\n"), expected);

        int[] vms = {createAndStart(image), createAndStart(image), createAndStart(image)};
        Bundle testarch = bundle("org.polyvisor.testarch");
        byte[] original = Files.readAllBytes(testarchJar());
        int swapsWhileRunning = 0;
        for (int i = 1; i <= 20; i++) {
            if (state(vms[0]).equals("RUNNING") || state(vms[0]).equals("WAITING")) {
                swapsWhileRunning++;
            }
            updateAndRefresh(testarch, withVersion(original, "0.1.0.swap" + i));
            waitFor(() -> architectureRegistered("test"), 10_000);
        }
        assertEquals("0.1.0.swap20", testarch.getVersion().toString());
        assertTrue(swapsWhileRunning >= 15, "only " + swapsWhileRunning + " of 20 updates hit a running VM");
        for (int id : vms) {
            assertEquals(expected, awaitStoppedAndConsole(id, 180_000), "console of VM " + id);
        }
    }

    @Test
    void oldClassLoadersAreCollectableAfterFiftyUpdates(@TempDir Path dir) throws Exception {
        int vm = createAndStart(guest(dir, 100_000)); // runs through all updates
        Bundle testarch = bundle("org.polyvisor.testarch");
        byte[] original = Files.readAllBytes(testarchJar());
        List<WeakReference<ClassLoader>> old = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            old.add(new WeakReference<>(testarch.adapt(BundleWiring.class).getClassLoader()));
            updateAndRefresh(testarch, withVersion(original, "0.1.0.leak" + i));
            waitFor(() -> architectureRegistered("test"), 10_000);
        }
        waitFor(() -> state(vm).equals("RUNNING"), 10_000);
        assertEquals("RUNNING", state(vm), "the VM runs on the 51st revision");
        gogo("pv:destroy " + vm);
        long deadline = System.currentTimeMillis() + 20_000;
        long alive;
        do {
            System.gc();
            Thread.sleep(100);
            alive = old.stream().filter(r -> r.get() != null).count();
        } while (alive > 0 && System.currentTimeMillis() < deadline);
        assertEquals(0, alive, alive + " of 50 old testarch class loaders are still reachable");
    }

    // ---- helpers ----

    static Path testarchJar() throws IOException {
        try (var s = Files.list(Dist.TEST_BUNDLES)) {
            return s.filter(p -> p.getFileName().toString().startsWith("polyvisor-testarch")).findFirst().orElseThrow();
        }
    }

    /** The same jar with another Bundle-Version: what a rebuilt bundle looks like to the framework. */
    static byte[] withVersion(byte[] jar, String version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
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

    static void updateAndRefresh(Bundle b, byte[] jar) throws Exception {
        b.update(new ByteArrayInputStream(jar));
        CountDownLatch done = new CountDownLatch(1);
        framework.adapt(FrameworkWiring.class).refreshBundles(List.of(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        assertTrue(done.await(20, TimeUnit.SECONDS), "refresh of " + b.getSymbolicName() + " did not finish");
    }

    static Bundle bundle(String bsn) {
        return Arrays.stream(ctx.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst().orElseThrow();
    }

    static int createAndStart(Path image) throws Exception {
        String created = gogo("pv:create -a test -m 1M " + image);
        int id = Integer.parseInt(created.replaceAll("(?s).*VM (\\d+) created.*", "$1"));
        gogo("pv:start " + id);
        return id;
    }

    static String state(int id) {
        try {
            String list = gogo("pv:list");
            return list.lines().map(String::trim).filter(l -> l.startsWith(id + " ")).findFirst()
                    .map(l -> l.split("\\s+")[3]).orElse("GONE");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String awaitStoppedAndConsole(int id, long millis) throws Exception {
        waitFor(() -> {
            String s = state(id);
            return s.equals("STOPPED") || s.equals("FAILED");
        }, millis);
        assertEquals("STOPPED", state(id), () -> "VM " + id + ": " + listQuietly());
        return gogo("pv:console " + id);
    }

    static String listQuietly() {
        try {
            return gogo("pv:list");
        } catch (Exception e) {
            return e.toString();
        }
    }

    static boolean architectureRegistered(String id) {
        try {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences("org.polyvisor.spi.Architecture",
                    "(polyvisor.arch=" + id + ")");
            return refs != null && refs.length > 0;
        } catch (Exception e) {
            return false;
        }
    }

    static boolean hasPvCommands() {
        try {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(null, "(osgi.command.scope=pv)");
            return refs != null && refs.length > 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs a Gogo command line; returns its printed output and formatted value. */
    static String gogo(String command) throws Exception {
        ServiceReference<?> ref = ctx.getServiceReference("org.apache.felix.service.command.CommandProcessor");
        Object processor = ctx.getService(ref);
        try {
            Class<?> api = ref.getBundle().loadClass("org.apache.felix.service.command.CommandProcessor");
            Class<?> sessionApi = ref.getBundle().loadClass("org.apache.felix.service.command.CommandSession");
            Method create = api.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Object session = create.invoke(processor, new ByteArrayInputStream(new byte[0]), out, out);
            try {
                Object value = sessionApi.getMethod("execute", CharSequence.class).invoke(session, command);
                return out.toString(StandardCharsets.UTF_8) + (value == null ? "" : value);
            } finally {
                sessionApi.getMethod("close").invoke(session);
            }
        } finally {
            ctx.ungetService(ref);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
