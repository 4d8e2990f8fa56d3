package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.spi.ExitHandler;

/**
 * The {@link ExitHandler} whiteboard: handlers keyed by (architecture, exit class), highest ranking wins. Among
 * handlers of equal ranking, one loaded by the same class loader as the VM's architecture implementation wins, then
 * the earlier registration (as OSGi orders services). The class-loader affinity matters while two revisions of an
 * architecture bundle run side by side during a swap: an architecture's own handlers know its classes, another
 * revision's handlers would see foreign vCPU types. The lookup table is rebuilt on every registration change and
 * published through a volatile field, so the exit path reads it without locks.
 *
 * <p>The {@link ExitObservers} ride along: the vCPU runner gets both from here.
 *
 * <p>It also remembers which classes ever had a handler ({@link #missingClasses}): while one of them has none, a swap
 * of the handler's bundle is under way and the VMs of its architecture stay held until it is back.
 */
@Singleton
final class ExitDispatcher {
    record Registration(ExitHandler handler, String arch, Set<String> classes, int ranking, long order,
            ClassLoader loader) {
    }

    private final List<Registration> registrations = new ArrayList<>();
    private final Set<String> everHandled = new HashSet<>();
    /** arch -> exit class -> candidates of the highest ranking, earliest registration first. */
    private volatile Map<String, Map<String, Registration[]>> table = Map.of();
    private long nextOrder;
    private final ExitObservers observers;

    @Inject
    ExitDispatcher(ExitObservers observers) {
        this.observers = observers;
    }

    /** The observers that see every exit this dispatcher's handlers take (the vCPU runner calls them). */
    ExitObservers observers() {
        return observers;
    }

    synchronized void add(ExitHandler handler, String arch, String[] classes, int ranking) {
        registrations.add(new Registration(handler, arch, Set.of(classes), ranking, nextOrder++,
                handler.getClass().getClassLoader()));
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
        Map<String, Map<String, List<Registration>>> best = new HashMap<>();
        for (Registration r : registrations) {
            Map<String, List<Registration>> perArch = best.computeIfAbsent(r.arch, a -> new HashMap<>());
            for (String c : r.classes) {
                List<Registration> cur = perArch.computeIfAbsent(c, k -> new ArrayList<>());
                if (!cur.isEmpty() && r.ranking > cur.get(0).ranking) {
                    cur.clear();
                }
                if (cur.isEmpty() || r.ranking == cur.get(0).ranking) {
                    cur.add(r); // registrations are kept in order, so the earliest comes first
                }
            }
        }
        Map<String, Map<String, Registration[]>> next = new HashMap<>();
        best.forEach((arch, m) -> {
            Map<String, Registration[]> h = new HashMap<>();
            m.forEach((c, list) -> h.put(c, list.toArray(Registration[]::new)));
            next.put(arch, Map.copyOf(h));
        });
        table = Map.copyOf(next);
    }

    /**
     * The handler for an exit class of a VM whose architecture implementation was loaded by {@code owner}, or null.
     * Lock-free and allocation-free.
     */
    ExitHandler lookup(String arch, ClassLoader owner, String exitClass) {
        Map<String, Registration[]> perArch = table.get(arch);
        Registration[] candidates = perArch == null ? null : perArch.get(exitClass);
        if (candidates == null) {
            return null;
        }
        for (Registration r : candidates) {
            if (r.loader == owner) {
                return r.handler;
            }
        }
        return candidates[0].handler;
    }

    /** True if a VM of {@code arch} whose implementation was loaded by {@code owner} would use this handler. */
    boolean selects(String arch, ClassLoader owner, ExitHandler handler) {
        Map<String, Registration[]> perArch = table.get(arch);
        if (perArch == null) {
            return false;
        }
        for (String c : perArch.keySet()) {
            if (lookup(arch, owner, c) == handler) {
                return true;
            }
        }
        return false;
    }

    /** Exit classes of an architecture that had a handler at some point but have none now. */
    synchronized List<String> missingClasses(String arch) {
        Map<String, Registration[]> perArch = table.getOrDefault(arch, Map.of());
        List<String> missing = new ArrayList<>();
        for (String key : everHandled) {
            if (key.startsWith(arch + "/") && !perArch.containsKey(key.substring(arch.length() + 1))) {
                missing.add(key.substring(arch.length() + 1));
            }
        }
        missing.sort(null);
        return missing;
    }

    /** For listings: arch -> class -> handler class name. */
    synchronized Map<String, Map<String, String>> describe() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        table.forEach((arch, m) -> {
            Map<String, String> d = new TreeMap<>();
            m.forEach((c, h) -> d.put(c, h[0].handler.getClass().getName()
                    + (h.length > 1 ? " (+" + (h.length - 1) + " of another revision)" : "")));
            out.put(arch, d);
        });
        return out;
    }
}
