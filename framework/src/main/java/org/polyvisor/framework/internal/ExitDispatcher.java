package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.polyvisor.spi.ExitHandler;

/**
 * The {@link ExitHandler} whiteboard: handlers keyed by (architecture, exit class), highest ranking wins (ties: the
 * earlier registration, as OSGi orders services). The lookup table is rebuilt on every registration change and
 * published through a volatile field, so the exit path reads it without locks.
 *
 * <p>It also remembers which classes ever had a handler: an exit of such a class while its handler is missing means
 * a swap is under way (the VM waits), while an exit nobody ever handled is an error.
 */
final class ExitDispatcher {
    record Registration(ExitHandler handler, String arch, Set<String> classes, int ranking, long order) {
    }

    private final List<Registration> registrations = new ArrayList<>();
    private final Set<String> everHandled = new HashSet<>();
    private volatile Map<String, Map<String, ExitHandler>> table = Map.of();
    private long nextOrder;

    @jakarta.inject.Inject
    ExitDispatcher() {
    }

    synchronized void add(ExitHandler handler, String arch, String[] classes, int ranking) {
        registrations.add(new Registration(handler, arch, Set.of(classes), ranking, nextOrder++));
        for (String c : classes) {
            everHandled.add(arch + "/" + c);
        }
        rebuild();
    }

    synchronized boolean remove(ExitHandler handler) {
        boolean removed = registrations.removeIf(r -> r.handler == handler);
        rebuild();
        return removed;
    }

    private void rebuild() {
        Map<String, Map<String, Registration>> best = new HashMap<>();
        for (Registration r : registrations) {
            Map<String, Registration> perArch = best.computeIfAbsent(r.arch, a -> new HashMap<>());
            for (String c : r.classes) {
                Registration cur = perArch.get(c);
                if (cur == null || r.ranking > cur.ranking || r.ranking == cur.ranking && r.order < cur.order) {
                    perArch.put(c, r);
                }
            }
        }
        Map<String, Map<String, ExitHandler>> next = new HashMap<>();
        best.forEach((arch, m) -> {
            Map<String, ExitHandler> h = new HashMap<>();
            m.forEach((c, r) -> h.put(c, r.handler));
            next.put(arch, Map.copyOf(h));
        });
        table = Map.copyOf(next);
    }

    /** The handler for an exit class, or null. Lock-free. */
    ExitHandler lookup(String arch, String exitClass) {
        Map<String, ExitHandler> perArch = table.get(arch);
        return perArch == null ? null : perArch.get(exitClass);
    }

    /** Exit classes of an architecture that had a handler at some point but have none now. */
    synchronized List<String> missingClasses(String arch) {
        Map<String, ExitHandler> perArch = table.getOrDefault(arch, Map.of());
        List<String> missing = new ArrayList<>();
        for (String key : everHandled) {
            if (key.startsWith(arch + "/") && !perArch.containsKey(key.substring(arch.length() + 1))) {
                missing.add(key.substring(arch.length() + 1));
            }
        }
        missing.sort(null);
        return missing;
    }

    synchronized boolean everHandled(String arch, String exitClass) {
        return everHandled.contains(arch + "/" + exitClass);
    }

    /** For listings: arch -> class -> handler class name. */
    synchronized Map<String, Map<String, String>> describe() {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        table.forEach((arch, m) -> {
            Map<String, String> d = new java.util.TreeMap<>();
            m.forEach((c, h) -> d.put(c, h.getClass().getName()));
            out.put(arch, d);
        });
        return out;
    }
}
