package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The swap work spread over the cores: every item once, and nothing kept once the swap is done. */
class ParallelTest {
    @Test
    void everyItemIsProcessedOnce() {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(i);
        }
        List<Integer> seen = new CopyOnWriteArrayList<>();
        Parallel.forEach(items, seen::add);
        List<Integer> sorted = new ArrayList<>(seen);
        Collections.sort(sorted);
        assertEquals(items, sorted);
    }

    /**
     * A finished worker thread may stay reachable (Felix 7.0.5 keeps a thread in a bundle class loader's lock map when
     * it lost a race to define a class); it must not keep the swap's items (VMs, and through them bundle revisions).
     */
    @Test
    void aFinishedWorkerThreadDoesNotKeepTheItems() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        List<WeakReference<Object>> refs = new ArrayList<>();
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Object item = new Object();
            refs.add(new WeakReference<>(item, queue));
            items.add(item);
        }
        List<Thread> threads = new CopyOnWriteArrayList<>(); // kept, as the stale lock entry keeps them
        int workers = Math.min(items.size(), Runtime.getRuntime().availableProcessors());
        CountDownLatch allWorking = new CountDownLatch(workers);
        Parallel.forEach(items, item -> {
            if (!threads.contains(Thread.currentThread())) {
                threads.add(Thread.currentThread());
                allWorking.countDown();
                try { // every worker takes an item (else a helper that got none would prove nothing)
                    allWorking.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertEquals(workers, threads.size(), "threads that took items: " + threads);
        items = null;
        int cleared = 0;
        long start = System.nanoTime();
        while (cleared < refs.size() && System.nanoTime() - start < 10_000_000_000L) {
            System.gc();
            // waits for the collector to enqueue cleared references; the bound only starts the next GC round
            for (Reference<?> r = queue.remove(100); r != null; r = queue.poll()) {
                cleared++;
            }
        }
        assertTrue(cleared == refs.size(), (refs.size() - cleared) + " of " + refs.size()
                + " items still reachable with the finished threads " + threads.stream().map(Thread::getName).toList());
    }
}
