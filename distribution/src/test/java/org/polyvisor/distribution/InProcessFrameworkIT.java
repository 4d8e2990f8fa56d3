package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.polyvisor.launcher.Mode;
import org.polyvisor.launcher.PolyvisorLauncher;
import org.polyvisor.testarch.ToyProgram;
import org.polyvisor.testkit.Await;

/**
 * Starts a real Felix in this JVM from the assembled distribution plus the test architecture bundle, and checks
 * bundles, services and Gogo commands. Polyvisor API classes are not on the test class path: services are used
 * reflectively, through classes loaded from the bundles.
 */
class InProcessFrameworkIT {
    /** Poll interval of the waits: the conditions here are shell commands and service look-ups, not free. */
    private static final Duration POLL = Duration.ofMillis(20);
    /** Generous: services come from DS components that other bundles may still be building up. */
    static final long SERVICE_WAIT_MS = 20_000;
    static final long PICKUP_WAIT_MS = 30_000;

    static Framework framework;
    static BundleContext ctx;
    static long startMillis;

    @BeforeAll
    static void startFelix() throws Exception {
        long t0 = System.nanoTime();
        framework = PolyvisorLauncher.start(Dist.HOME, Mode.HEADLESS, List.of(Dist.TEST_BUNDLES));
        startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        ctx = framework.getBundleContext();
        System.err.println("InProcessFrameworkIT: Felix started in " + startMillis + " ms with "
                + ctx.getBundles().length + " bundles");
    }

    @AfterAll
    static void stopFelix() {
        if (framework != null) {
            assertTrue(PolyvisorLauncher.stop(framework, 10_000), "framework stops within 10 s");
        }
    }

    @Test
    void polyvisorApiIsNotOnTheTestClassPath() {
        // otherwise the bundles' classes and the class path's would clash (ClassCastException); see the pom
        for (String name : List.of("org.polyvisor.api.VmManager", "org.polyvisor.spi.Architecture")) {
            org.junit.jupiter.api.Assertions.assertThrows(ClassNotFoundException.class, () -> Class.forName(name),
                    name + " must come only from the polyvisor-framework bundle");
        }
    }

    @Test
    void everyBundleIsActive() {
        // the distribution's bundles plus the test architecture
        Set<String> locations = Arrays.stream(ctx.getBundles()).map(Bundle::getLocation).collect(Collectors.toSet());
        assertTrue(locations.stream().anyMatch(l -> l.contains("polyvisor-testarch")), "testarch installed: " + locations);
        assertTrue(locations.stream().anyMatch(l -> l.contains("polyvisor-framework")), "framework installed");
        assertFalse(locations.stream().anyMatch(l -> l.contains("gogo.shell")), "no interactive shell in headless mode");
        Await.until("every bundle ACTIVE", () -> notActive().isEmpty(), Duration.ofSeconds(5), POLL,
                () -> "bundles not ACTIVE: " + notActive());
        assertEquals(5, framework.adapt(org.osgi.framework.startlevel.FrameworkStartLevel.class).getStartLevel(),
                "framework start level = highest bundle level");
    }

    private static List<String> notActive() {
        return Arrays.stream(ctx.getBundles())
                .filter(b -> b.getHeaders().get(Constants.FRAGMENT_HOST) == null && b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " " + b.getLocation() + " state=" + b.getState()).toList();
    }

    @Test
    void vmManagerServiceIsRegistered() {
        ServiceReference<?> ref = awaitService("org.polyvisor.api.VmManager", null);
        assertEquals("org.polyvisor.framework", ref.getBundle().getSymbolicName());
    }

    @Test
    void everyArchitectureBundleRegistersAnArchitecture() throws Exception {
        // the test architecture and each architecture bundle of the distribution, which must be a DS bundle
        for (String jar : List.of("polyvisor-arch-arm64", "polyvisor-arch-ppc-booke")) {
            Path bundle = Dist.level5Jar(jar);
            assertTrue(bundle != null, "no " + jar + " jar in " + Dist.HOME.resolve("bundles/5"));
            assertTrue(Dist.isComponentBundle(bundle), bundle + " declares no DS components (Service-Component)");
        }
        Set<String> expected = new TreeSet<>(Set.of("test", "arm64", "ppc-booke"));
        Await.until("the architectures " + expected, () -> architectures().containsAll(expected),
                Duration.ofMillis(SERVICE_WAIT_MS), POLL, () -> "architectures " + architectures());
    }

    private static Set<String> architectures() {
        try {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences("org.polyvisor.spi.Architecture", null);
            Set<String> ids = new HashSet<>();
            for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
                Object id = r.getProperty("polyvisor.arch");
                if (id != null) {
                    ids.add(id.toString());
                }
            }
            return ids;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void gogoLbListsEveryBundleActive() throws Exception {
        String out = gogo("lb");
        for (Bundle b : ctx.getBundles()) {
            String line = out.lines().filter(l -> l.matches("\\s*" + b.getBundleId() + "\\|.*")).findFirst()
                    .orElseThrow(() -> new AssertionError("bundle " + b.getBundleId() + " missing in lb:\n" + out));
            assertTrue(line.contains("|Active"), "lb line: " + line);
        }
    }

    @Test
    void gogoPvArchsListsTheArchitectures() throws Exception {
        awaitService("org.polyvisor.spi.Architecture", "(polyvisor.arch=test)");
        Await.until("the pv:archs command", () -> hasCommand("pv", "archs"), Duration.ofMillis(SERVICE_WAIT_MS),
                POLL,
                () -> "bundles " + bundleStates());
        String out = gogo("pv:archs");
        assertTrue(out.contains("test"), "pv:archs output:\n" + out);
        for (String arch : architectures()) {
            assertTrue(out.contains(arch), "pv:archs shows " + arch + ":\n" + out);
        }
    }

    /** The headless protocol used by `polyvisor run`, driven in-process: the future completes with the status. */
    @Test
    void headlessRunRequestCompletesWithTheGuestsStatus(@TempDir Path tmp) throws Exception {
        // no console output: the runner writes the console to this JVM's file descriptor 1 (failsafe's channel)
        Path image = ToyProgram.builder().li(1, 3).label("loop").addi(1, -1).bnz(1, "loop").halt(7)
                .writeTo(tmp.resolve("seven.elf"));
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("polyvisor.run", Boolean.TRUE);
        props.put("polyvisor.run.image", image.toString());
        props.put("polyvisor.run.arch", "test");
        props.put("polyvisor.run.mem", 1L << 20);
        props.put("polyvisor.run.smp", 1);
        props.put("polyvisor.run.options", new String[0]);
        props.put("polyvisor.run.timeout", 20_000L);
        ServiceRegistration<?> reg = ctx.registerService(CompletableFuture.class.getName(), result, props);
        try {
            assertEquals(7, result.get(PICKUP_WAIT_MS, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            fail("no headless runner completed the run request within " + PICKUP_WAIT_MS + " ms (picked up: "
                    + (reg.getReference().getUsingBundles() != null) + ")");
        } catch (ExecutionException e) {
            fail("run failed: " + e.getCause());
        } finally {
            try {
                reg.unregister();
            } catch (IllegalStateException ignored) {
                // the runner unregistered it
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    static ServiceReference<?> awaitService(String clazz, String filter) {
        Await.until(clazz + (filter == null ? "" : " " + filter) + " service", () -> service(clazz, filter) != null,
                Duration.ofMillis(SERVICE_WAIT_MS), POLL, () -> "bundles " + bundleStates());
        return service(clazz, filter);
    }

    private static ServiceReference<?> service(String clazz, String filter) {
        try {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(clazz, filter);
            return refs != null && refs.length > 0 ? refs[0] : null;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> bundleStates() {
        return Arrays.stream(ctx.getBundles()).map(b -> b.getSymbolicName() + "=" + b.getState()).toList();
    }

    static boolean hasCommand(String scope, String function) {
        try {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(null,
                    "(&(osgi.command.scope=" + scope + ")(osgi.command.function=" + function + "))");
            return refs != null && refs.length > 0;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Runs a Gogo command line through the CommandProcessor service; returns what it printed plus its value. */
    static String gogo(String command) throws Exception {
        awaitService("org.apache.felix.service.command.CommandProcessor", null);
        return Gogo.run(ctx, command);
    }
}
