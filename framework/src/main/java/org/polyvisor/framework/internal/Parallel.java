package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
        List<Thread> helpers = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            helpers.add(Thread.ofPlatform().daemon().name("pv-swap-worker-" + w).start(loop));
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
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
