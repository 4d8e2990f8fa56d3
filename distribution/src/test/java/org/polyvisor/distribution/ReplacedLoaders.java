package org.polyvisor.distribution;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The class loaders of bundle revisions a test replaces, which must become unreachable: no thread, cache, logger or
 * service reference may keep an old revision. Collection is observed on a reference queue (the collector enqueues
 * each cleared reference), not guessed with a sleep.
 */
final class ReplacedLoaders {
    private final ReferenceQueue<ClassLoader> queue = new ReferenceQueue<>();
    private final List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    /** Remembers the bundle's current revision (call before replacing it). */
    void add(Bundle bundle) {
        loaders.add(new WeakReference<>(bundle.adapt(BundleWiring.class).getClassLoader(), queue));
        names.add(bundle.getSymbolicName() + " " + bundle.getVersion());
    }

    int size() {
        return loaders.size();
    }

    /**
     * Collects garbage until every remembered loader is cleared or {@code timeout} has passed; returns the revisions
     * ("bsn version") whose loaders are still reachable.
     */
    List<String> reachableAfterGc(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        int cleared = 0;
        while (cleared < loaders.size() && System.nanoTime() - start < timeout.toNanos()) {
            System.gc();
            // blocks until the collector enqueues a cleared reference; the bound only starts the next GC round
            for (Reference<?> r = queue.remove(100); r != null; r = queue.poll()) {
                cleared++;
            }
        }
        List<String> alive = new ArrayList<>();
        for (int i = 0; i < loaders.size(); i++) {
            if (loaders.get(i).get() != null) {
                alive.add(names.get(i));
            }
        }
        return alive;
    }
}
