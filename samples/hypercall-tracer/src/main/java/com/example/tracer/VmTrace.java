package com.example.tracer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The calls of one VM: totals by function and the most recent calls, bounded. Any vCPU thread may add. */
final class VmTrace {
    static final int RECENT = 1000;

    private final ArrayDeque<Hypercall> recent = new ArrayDeque<>();
    private final Map<String, long[]> byFunction = new TreeMap<>();
    private long calls;
    private long handlerNanos;

    synchronized void add(Hypercall call) {
        if (recent.size() == RECENT) {
            recent.removeFirst();
        }
        recent.addLast(call);
        long[] f = byFunction.computeIfAbsent(call.exitClass() + " " + Functions.name(call.exitClass(),
                call.function()), k -> new long[2]);
        f[0]++;
        f[1] += call.handlerNanos();
        calls++;
        handlerNanos += call.handlerNanos();
    }

    synchronized long calls() {
        return calls;
    }

    synchronized List<Hypercall> recent() {
        return new ArrayList<>(recent);
    }

    /** Totals, then the last {@code last} calls, one per line. */
    synchronized String report(int vmId, int last) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("VM %d: %d hypercalls, %d ns in handlers%n", vmId, calls, handlerNanos));
        byFunction.forEach((name, f) -> b.append(String.format("  %-32s %10d calls, mean %d ns%n", name, f[0],
                f[1] / f[0])));
        int skip = Math.max(0, recent.size() - last);
        b.append(String.format("last %d:%n", recent.size() - skip));
        recent.stream().skip(skip).forEach(c -> b.append("  ").append(c.line()).append(System.lineSeparator()));
        return b.toString();
    }
}
