package org.polyvisor.arm64.hyp;

import java.util.List;

import org.polyvisor.arm64.internal.hyp.HostEvents;
import org.polyvisor.arm64.internal.hyp.PhysicalCpu;
import org.polyvisor.arm64.spi.PhysicalRegisters;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.arm64.spi.WorldSwitchSession;
import org.polyvisor.spi.StateSnapshot;

/**
 * A participant standing in for host hardware that raises exceptions while the world switch runs (a host device's
 * SError, a host interrupt): at the chosen hook of the next switch, once, it makes the given host events pending.
 */
final class RaiseInSwitch implements WorldSwitchParticipant {
    enum Hook { SAVE_HOST, RESTORE_HOST }

    private final Hook hook;
    private final HostEvents.Kind[] kinds;
    private volatile boolean armed = true;

    RaiseInSwitch(Hook hook, HostEvents.Kind... kinds) {
        this.hook = hook;
        this.kinds = kinds;
    }

    @Override
    public String id() {
        return "raise-in-switch";
    }

    @Override
    public int order() {
        return 1001;
    }

    @Override
    public List<String> hostRegisters() {
        return List.of();
    }

    @Override
    public WorldSwitchSession open(PhysicalRegisters cpu) {
        return new WorldSwitchSession() {
            @Override
            public void saveHost(PhysicalRegisters hw) {
                raiseAt(Hook.SAVE_HOST, hw);
            }

            @Override
            public void restoreHost(PhysicalRegisters hw) {
                raiseAt(Hook.RESTORE_HOST, hw);
            }

            @Override
            public StateSnapshot exportState() {
                return StateSnapshot.builder("raise-in-switch", 1).build();
            }

            @Override
            public void importState(StateSnapshot s) {
                s.requireKind("raise-in-switch", 1);
            }
        };
    }

    private void raiseAt(Hook at, PhysicalRegisters hw) {
        if (at != hook || !armed) {
            return;
        }
        armed = false;
        HostEvents events = ((PhysicalCpu) hw).events();
        for (HostEvents.Kind k : kinds) {
            events.raise(k, HostEvents.Point.IN_SWITCH);
        }
    }
}
