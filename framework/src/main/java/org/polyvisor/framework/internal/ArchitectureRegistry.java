package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.api.VmException;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;

/**
 * The registered {@link Architecture} services. Several implementations of one id may be registered at once (two
 * revisions of a bundle during a side-by-side swap): the highest service ranking wins, and among equal rankings the
 * highest preference. Registrations start with {@code -order} (the earlier one wins, as OSGi orders services) and
 * {@link #promote} raises a replacement above every other. Waiters ({@link #await}) are woken by every registration.
 */
@Singleton
final class ArchitectureRegistry {
    private record Registration(Architecture arch, int ranking, long order, long preference) {
    }

    private final List<Registration> registrations = new ArrayList<>();
    private long order;
    private long promotions;

    @Inject
    ArchitectureRegistry() {
    }

    synchronized void add(Architecture arch, int ranking) {
        registrations.add(new Registration(arch, ranking, order, -order));
        order++;
        notifyAll();
    }

    synchronized void remove(Architecture arch) {
        registrations.removeIf(r -> r.arch == arch);
    }

    /** The ranking the architecture was registered with. */
    synchronized int ranking(Architecture arch) {
        return find(arch).ranking;
    }

    /** Makes {@code arch} the preferred implementation of its id among those of equal ranking. */
    synchronized void promote(Architecture arch) {
        Registration reg = find(arch);
        registrations.remove(reg);
        registrations.add(new Registration(arch, reg.ranking, reg.order, ++promotions));
    }

    private Registration find(Architecture arch) {
        return registrations.stream().filter(r -> r.arch == arch).findFirst()
                .orElseThrow(() -> new VmException("architecture " + arch.id() + " (" + arch.getClass().getName()
                        + ") is not registered"));
    }

    /** The implementation VMs of this id get, or null. */
    synchronized Architecture current(String id) {
        return registrations.stream().filter(r -> r.arch.id().equals(id))
                .max(Comparator.comparingInt(Registration::ranking).thenComparingLong(Registration::preference))
                .map(Registration::arch).orElse(null);
    }

    /** The installed ids, comma-separated, or "none" (for error messages). */
    synchronized String installedIds() {
        return registrations.isEmpty() ? "none"
                : String.join(", ", registrations.stream().map(r -> r.arch.id()).distinct().sorted().toList());
    }

    /** Each registered implementation's capabilities, by id. */
    List<ArchCapabilities> capabilities() {
        List<Architecture> archs;
        synchronized (this) {
            archs = registrations.stream().map(Registration::arch).toList();
        }
        List<ArchCapabilities> out = new ArrayList<>();
        for (Architecture a : archs) {
            out.add(a.capabilities());
        }
        out.sort(Comparator.comparing(ArchCapabilities::id));
        return out;
    }

    /**
     * Waits until an architecture whose capabilities match is registered, or the timeout passes: bundles start
     * asynchronously, so the one an image needs may register a moment after the launcher asks. Returns its
     * capabilities, or empty when none came in time.
     */
    Optional<ArchCapabilities> await(Predicate<ArchCapabilities> wanted, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true) {
            Optional<ArchCapabilities> found = capabilities().stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found;
            }
            synchronized (this) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                // capabilities() runs outside the lock (it calls into plugins); a registration in between is seen
                // by the next round, since the wait is bounded by the deadline and woken by every add
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
