package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.polyvisor.api.VmException;

/**
 * {@code pv:refresh}: what Felix's {@code refresh} does, without its failure with no arguments (Gogo command 1.1.2,
 * the newest release, calls {@code Arrays.asList} on the null array and answers {@code NullPointerException}). Refreshes
 * the given bundles, or every bundle with a removal pending (an old revision still wired after {@code update}), and
 * waits for the framework's PACKAGES_REFRESHED event so the next command sees the new wiring.
 */
final class BundleRefresh {
    private static final long TIMEOUT_SECONDS = 30;
    private final BundleContext context;
    private final BundleSwapper swapper;

    BundleRefresh(BundleContext context, BundleSwapper swapper) {
        this.context = context;
        this.swapper = swapper;
    }

    String refresh(String... refs) throws InterruptedException {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        Collection<Bundle> bundles;
        if (refs == null || refs.length == 0) {
            bundles = wiring.getRemovalPendingBundles();
            if (bundles.isEmpty()) {
                return "nothing to refresh (no bundle has an old revision pending removal)";
            }
        } else {
            bundles = new ArrayList<>();
            for (String ref : refs) {
                bundles.add(swapper.find(ref));
            }
        }
        List<String> names = bundles.stream().map(b -> b.getBundleId() + " " + b.getSymbolicName()).toList();
        CountDownLatch done = new CountDownLatch(1);
        long t0 = System.nanoTime();
        wiring.refreshBundles(bundles, e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new VmException("refresh of " + names + " did not finish in " + TIMEOUT_SECONDS
                    + " s (lb shows the bundles' states)");
        }
        return "refreshed " + String.join(", ", names) + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
    }
}
