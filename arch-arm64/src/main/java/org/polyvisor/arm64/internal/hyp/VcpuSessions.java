package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.arm64.spi.WorldSwitchSession;
import org.polyvisor.spi.StateSnapshot;

/**
 * One vCPU's open participant sessions. {@link #reconcile} runs at a safe point on the vCPU thread (or while the
 * vCPU is paused): sessions of participants that left export their state into the machine's parked map; new
 * participants get a session, seeded with parked state of the same id, so a participant bundle can be swapped
 * without losing per-VM state.
 */
public final class VcpuSessions {
    private final int vcpu;
    private final ParticipantRegistry registry;
    /** Machine-wide: participant id -> vCPU index -> state, for participants that are gone (or not yet opened). */
    private final Map<String, Map<Integer, StateSnapshot>> parked;
    private WorldSwitchParticipant[] participants = new WorldSwitchParticipant[0];
    private WorldSwitchSession[] sessions = new WorldSwitchSession[0];
    /** Written last by reconcile (volatile): a binder waiting for it knows the parked state is complete. */
    private volatile int seenGeneration = -1;

    public VcpuSessions(int vcpu, ParticipantRegistry registry, Map<String, Map<Integer, StateSnapshot>> parked) {
        this.vcpu = vcpu;
        this.registry = registry;
        this.parked = parked;
    }

    /** True once this vCPU has reconciled with the registry's current set. */
    public boolean current() {
        return seenGeneration == registry.generation();
    }

    public boolean stale() {
        return registry.generation() != seenGeneration;
    }

    /** Brings the sessions in line with the registry; returns the new session array for the world switch. */
    public WorldSwitchSession[] reconcile(PhysicalCpu hw) {
        int gen = registry.generation();
        WorldSwitchParticipant[] now = registry.current();
        Map<WorldSwitchParticipant, WorldSwitchSession> old = new HashMap<>();
        for (int i = 0; i < participants.length; i++) {
            old.put(participants[i], sessions[i]);
        }
        List<WorldSwitchSession> next = new ArrayList<>();
        for (WorldSwitchParticipant p : now) {
            WorldSwitchSession s = old.remove(p);
            if (s != null) {
                StateSnapshot st;
                synchronized (parked) {
                    Map<Integer, StateSnapshot> m = parked.get(p.id());
                    st = m == null ? null : m.remove(vcpu);
                }
                if (st != null) {
                    s.importState(st); // a snapshot was imported while the session was open
                }
            } else {
                for (String r : p.hostRegisters()) {
                    hw.declareParticipantRegister(r);
                }
                s = p.open(hw);
                StateSnapshot st;
                synchronized (parked) {
                    Map<Integer, StateSnapshot> m = parked.get(p.id());
                    st = m == null ? null : m.remove(vcpu);
                }
                if (st != null) {
                    s.importState(st);
                }
            }
            next.add(s);
        }
        for (int i = 0; i < participants.length; i++) {
            if (old.containsKey(participants[i])) {
                park(participants[i].id(), sessions[i].exportState());
            }
        }
        participants = now.clone();
        sessions = next.toArray(new WorldSwitchSession[0]);
        seenGeneration = gen;
        return sessions;
    }

    /** Parks imported state for the participant's session; it is applied at the next safe point. */
    public void importLater(String id, StateSnapshot s) {
        park(id, s);
        seenGeneration = -1;
    }

    private void park(String id, StateSnapshot s) {
        synchronized (parked) {
            parked.computeIfAbsent(id, k -> new HashMap<>()).put(vcpu, s);
        }
    }

    /** The sessions' states by participant id (machine snapshot; called while paused). */
    public Map<String, StateSnapshot> export() {
        Map<String, StateSnapshot> out = new HashMap<>();
        for (int i = 0; i < participants.length; i++) {
            out.put(participants[i].id(), sessions[i].exportState());
        }
        return out;
    }
}
