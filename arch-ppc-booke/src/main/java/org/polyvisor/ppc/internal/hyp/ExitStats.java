package org.polyvisor.ppc.internal.hyp;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.polyvisor.ppc.internal.cpu.Ivor;

/**
 * Counts every exit, including those the hypervisor resolves internally (KVM's exit timing stats), by KVM exit
 * class. The counters come from the framework ({@code MachineContext.exitCounter}, prefixed {@code hyp.}), so they
 * show in {@code pv:exits} and survive a swap; counting by interrupt number is an array lookup and an increment.
 */
public final class ExitStats {
    private final LongAdder[] byIvor = new LongAdder[64];
    private final Map<String, LongAdder> named = new ConcurrentHashMap<>();
    private Function<String, LongAdder> counters = name -> new LongAdder();

    /** Where counts go; set once by the machine, before the vCPU runs. */
    public void reportTo(Function<String, LongAdder> counterByName) {
        this.counters = counterByName;
    }

    public void count(int ivor) {
        int i = ivor & 63;
        LongAdder a = byIvor[i];
        if (a == null) {
            a = counters.apply(Ivor.name(i));
            byIvor[i] = a;
        }
        a.increment();
    }

    public void count(String name) {
        named.computeIfAbsent(name, counters).increment();
    }

    public long get(int ivor) {
        LongAdder a = byIvor[ivor & 63];
        return a == null ? 0 : a.sum();
    }

    public long get(String name) {
        LongAdder a = named.get(name);
        return a == null ? 0 : a.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < byIvor.length; i++) {
            if (byIvor[i] != null) {
                m.put(Ivor.name(i), byIvor[i].sum());
            }
        }
        named.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
