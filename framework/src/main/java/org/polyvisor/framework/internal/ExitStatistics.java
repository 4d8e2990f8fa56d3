package org.polyvisor.framework.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Exit counts by class for one VM; updated from vCPU threads without locks. */
final class ExitStatistics {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void count(String exitClass) {
        counter(exitClass).increment();
    }

    LongAdder counter(String exitClass) {
        LongAdder a = counts.get(exitClass);
        return a != null ? a : counts.computeIfAbsent(exitClass, k -> new LongAdder());
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
