package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a swap's per-VM work (export through the old code, import through the new) on as many threads as there are
 * cores, the calling thread included. All affected VMs are held while it runs, so the pause every one of them sees
 * is the time for all of them: spreading it over the cores divides it.
 */
final class Parallel {
    private Parallel() {
    }

    /** Applies {@code action} to every item; {@code action} must not throw (a throw is logged by the thread). */
    static <T> void forEach(List<T> items, Consumer<T> action) {
        int workers = Math.min(items.size(), Runtime.getRuntime().availableProcessors());
        AtomicInteger next = new AtomicInteger();
        Runnable loop = () -> {
            for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
                action.accept(items.get(i));
            }
        };
        // A finished Thread keeps its Runnable, and a finished worker can stay reachable: Felix 7.0.5's
        // BundleClassLoader.defineClassParallel leaves a (class name -> thread) entry in its m_classLocks when the
        // thread finds the class defined by another one after registering itself. Two workers loading the same
        // class of a new revision hit that, and the current revision's loader then kept the worker, its task and
        // the swapped VMs (a destroyed VM with its PL031 attachment kept that PL031 revision). So the helpers reach
        // the work only through this reference, which is cleared when the swap is done.
        AtomicReference<Runnable> work = new AtomicReference<>(loop);
        Runnable helper = () -> {
            Runnable task = work.get();
            if (task != null) {
                task.run();
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            helpers.add(Thread.ofPlatform().daemon().name("pv-swap-worker-" + w).start(helper));
        }
        loop.run();
        boolean interrupted = false;
        for (Thread t : helpers) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the VMs must not be released half moved: finish, then re-assert
                }
            }
        }
        work.set(null);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
