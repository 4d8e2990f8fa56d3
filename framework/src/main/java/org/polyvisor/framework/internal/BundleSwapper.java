package org.polyvisor.framework.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.polyvisor.api.VmException;

/**
 * {@code pv:swap} and the hot folder: replaces a bundle with a jar while VMs run. Side by side when it can
 * ({@link SideBySideSwap}: the new revision starts next to the old one and the VMs move over in one short pause);
 * otherwise in place: update, then refresh so no old revision stays wired, and the framework's service tracking does
 * the rest (VMs of an architecture or extension that goes away pause, export their state through the old code, and
 * continue on the new one once it registers).
 */
final class BundleSwapper {
    private static final long REFRESH_TIMEOUT_SECONDS = 30;
    /** pv:swap and the hot folder share it: one bundle swap at a time. */
    private static final Object SWAPS = new Object();
    private final BundleContext context;
    private final VmManagerImpl manager;

    BundleSwapper(BundleContext context, VmManagerImpl manager) {
        this.context = context;
        this.manager = manager;
    }

    String swap(String bundleRef, Path jar) throws IOException, InterruptedException {
        synchronized (SWAPS) {
            return swapAlone(bundleRef, jar);
        }
    }

    private String swapAlone(String bundleRef, Path jar) throws IOException, InterruptedException {
        Bundle b = find(bundleRef);
        if (b.getBundleId() == 0 || b.equals(context.getBundle())) {
            throw new VmException("bundle " + bundleRef + " (" + b.getSymbolicName() + ") cannot be swapped by pv:swap");
        }
        if (!Files.isRegularFile(jar)) {
            throw new VmException("no jar at " + jar.toAbsolutePath());
        }
        String before = b.getVersion().toString();
        long t0 = System.nanoTime();
        String whyNot = SideBySideSwap.whyNot(b, jar);
        if (whyNot == null) {
            String moved = new SideBySideSwap(context, manager).swap(b, jar);
            Bundle now = find(b.getSymbolicName());
            return String.format("bundle %s swapped side by side: %s -> %s (now bundle %d, %s), %s in %d ms",
                    b.getSymbolicName(), before, now.getVersion(), now.getBundleId(), state(now), moved,
                    (System.nanoTime() - t0) / 1_000_000);
        }
        try (InputStream in = Files.newInputStream(jar)) {
            b.update(in);
        } catch (BundleException e) {
            throw new VmException("updating " + b.getSymbolicName() + " from " + jar + " failed: " + e.getMessage(), e);
        }
        refresh(context.getBundle(0).adapt(FrameworkWiring.class), b);
        return String.format("bundle %d %s updated in place (%s): %s -> %s in %d ms (state %s)", b.getBundleId(),
                b.getSymbolicName(), whyNot, before, b.getVersion(), (System.nanoTime() - t0) / 1_000_000, state(b));
    }

    /** Refreshes the bundle (and what depends on it) and waits until the framework is done. */
    static void refresh(FrameworkWiring wiring, Bundle b) throws InterruptedException {
        CountDownLatch refreshed = new CountDownLatch(1);
        wiring.refreshBundles(List.of(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        if (!refreshed.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new VmException("refresh of " + b.getSymbolicName() + " did not finish in " + REFRESH_TIMEOUT_SECONDS
                    + " s");
        }
    }

    /** The bundle with this id or symbolic name; the message says how to find one when there is none. */
    Bundle find(String ref) {
        Bundle[] all = context.getBundles();
        try {
            long id = Long.parseLong(ref);
            Bundle b = context.getBundle(id);
            if (b != null) {
                return b;
            }
        } catch (NumberFormatException notAnId) {
            // a symbolic name
        }
        return Arrays.stream(all).filter(b -> ref.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new VmException("no bundle '" + ref + "' (give a bundle id or symbolic name; see lb)"));
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.STARTING -> "STARTING";
            default -> "state " + b.getState();
        };
    }
}
