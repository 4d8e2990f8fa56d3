package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

import org.polyvisor.arm64.spi.WorldSwitchParticipant;

/**
 * The world-switch participants currently registered (OSGi services), in sequence order. vCPUs compare
 * {@link #generation()} at the top of their run loop (a safe point: no switch in progress) and reconcile their
 * sessions there, so a participant can come and go while VMs run.
 */
public final class ParticipantRegistry {
    private static final Comparator<WorldSwitchParticipant> ORDER = Comparator
            .comparingInt(WorldSwitchParticipant::order).thenComparing(WorldSwitchParticipant::id);

    private final List<WorldSwitchParticipant> list = new ArrayList<>();
    private volatile WorldSwitchParticipant[] current = new WorldSwitchParticipant[0];
    private volatile int generation;
    /** Machines to notify (kick their vCPUs) when the set changes; weak so closed machines drop out. */
    private final Set<Runnable> listeners = Collections.newSetFromMap(new WeakHashMap<>());

    /** Registers a change listener (held weakly: the caller keeps it alive as long as it cares). */
    public synchronized void listen(Runnable onChange) {
        listeners.add(onChange);
    }

    public synchronized void add(WorldSwitchParticipant p) {
        list.add(p);
        publish();
    }

    public synchronized void remove(WorldSwitchParticipant p) {
        list.remove(p);
        publish();
    }

    private void publish() {
        WorldSwitchParticipant[] a = list.toArray(new WorldSwitchParticipant[0]);
        Arrays.sort(a, ORDER);
        current = a;
        generation++;
        for (Runnable r : List.copyOf(listeners)) {
            r.run();
        }
    }

    public int generation() {
        return generation;
    }

    public WorldSwitchParticipant[] current() {
        return current;
    }
}
