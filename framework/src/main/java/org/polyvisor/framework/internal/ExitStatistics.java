package org.polyvisor.framework.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exit counts by class for one VM, updated from vCPU threads without locks, in two groups: exits {@code Vcpu.run()}
 * returned to the framework (counted by the run loop) and exits the architecture resolved inside {@code run()}
 * (counted through {@code MachineContext.resolvedExitCounter}), like KVM's per-exit-reason and in-kernel counters.
 */
final class ExitStatistics {
    private final ConcurrentHashMap<String, LongAdder> dispatched = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> resolved = new ConcurrentHashMap<>();

    /** One exit returned to the framework. */
    void count(String exitClass) {
        counter(dispatched, exitClass).increment();
    }

    /** The counter of exits of a class the architecture resolves itself. */
    LongAdder resolvedCounter(String exitClass) {
        return counter(resolved, exitClass);
    }

    private static LongAdder counter(ConcurrentHashMap<String, LongAdder> counts, String exitClass) {
        LongAdder a = counts.get(exitClass);
        return a != null ? a : counts.computeIfAbsent(exitClass, k -> new LongAdder());
    }

    /** Exits returned to the framework, by class. */
    Map<String, Long> dispatched() {
        return sums(dispatched);
    }

    /** Exits resolved inside the architecture, by class. */
    Map<String, Long> resolved() {
        return sums(resolved);
    }

    private static Map<String, Long> sums(ConcurrentHashMap<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
