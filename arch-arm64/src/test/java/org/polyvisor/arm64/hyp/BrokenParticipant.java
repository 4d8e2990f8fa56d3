package org.polyvisor.arm64.hyp;

import java.util.List;

import org.polyvisor.arm64.spi.PhysicalRegisters;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.arm64.spi.WorldSwitchSession;
import org.polyvisor.spi.StateSnapshot;

/** A deliberately broken participant: it stops host profiling on entry and forgets to restore it on exit. */
public class BrokenParticipant implements WorldSwitchParticipant {
    @Override
    public String id() {
        return "broken";
    }

    @Override
    public int order() {
        return 300;
    }

    @Override
    public List<String> hostRegisters() {
        return List.of("PMSCR_EL1");
    }

    @Override
    public WorldSwitchSession open(PhysicalRegisters cpu) {
        int pmscr = cpu.slot("PMSCR_EL1");
        return new WorldSwitchSession() {
            @Override
            public void saveHost(PhysicalRegisters hw) {
                hw.set(pmscr, 0); // the missing restore is the bug this participant demonstrates
            }

            @Override
            public StateSnapshot exportState() {
                return StateSnapshot.builder("broken", 1).build();
            }

            @Override
            public void importState(StateSnapshot s) {
            }
        };
    }
}
