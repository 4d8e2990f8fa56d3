package org.polyvisor.ppc.internal.hyp;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.polyvisor.ppc.internal.cpu.Ivor;

/**
 * Counts every exit, including those the hypervisor resolves internally (KVM's exit timing stats), by KVM exit
 * class. Counting by interrupt number is an array increment, so the hot exits stay cheap.
 */
public final class ExitStats {
    private final long[] byIvor = new long[64];
    private final Map<String, LongAdder> named = new ConcurrentHashMap<>();

    public void count(int ivor) {
        byIvor[ivor & 63]++;
    }

    public void count(String name) {
        named.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    public long get(int ivor) {
        return byIvor[ivor & 63];
    }

    public long get(String name) {
        LongAdder a = named.get(name);
        return a == null ? 0 : a.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < byIvor.length; i++) {
            if (byIvor[i] != 0) {
                m.put(Ivor.name(i), byIvor[i]);
            }
        }
        named.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
