package org.polyvisor.arm64.hyp;

import java.util.List;

import org.polyvisor.arm64.spi.PhysicalRegisters;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.arm64.spi.WorldSwitchSession;
import org.polyvisor.spi.StateSnapshot;

/**
 * What "arm64: KVM: Save/restore the host SPE state when entering/leaving a VM" (2017) asks of the host SPE save,
 * as a participant: on a non-VHE host that is using the profiling buffer
 * (PMBLIMITR_EL1.E), save PMSCR_EL1 and stop data generation before the guest's EL1 state is loaded (the buffer is
 * virtually addressed through the EL1&0 tables, which the guest is about to replace); restore it only after the host
 * sysregs are restored ("the host page table is installed"). On VHE the save is a no-op: the host profiles the guest.
 * The session checks that the host translation regime really is live when it re-enables profiling, so a sequence
 * that restored participants too early would be caught.
 */
public class ModelSpeParticipant implements WorldSwitchParticipant {
    /** Set when profiling was re-enabled while the guest's TTBR0_EL1 was still on the CPU. */
    public volatile boolean orderViolation;

    @Override
    public String id() {
        return "model-spe";
    }

    @Override
    public int order() {
        return 200;
    }

    @Override
    public List<String> hostRegisters() {
        return List.of("PMSCR_EL1", "PMBLIMITR_EL1");
    }

    @Override
    public WorldSwitchSession open(PhysicalRegisters cpu) {
        int pmscr = cpu.slot("PMSCR_EL1");
        int limit = cpu.slot("PMBLIMITR_EL1");
        int ttbr0 = cpu.slot("TTBR0_EL1");
        return new WorldSwitchSession() {
            long saved;
            long hostTtbr0;
            long entries;

            @Override
            public void saveHost(PhysicalRegisters hw) {
                entries++;
                saved = 0;
                hostTtbr0 = hw.get(ttbr0);
                if (hw.vhe() || (hw.get(limit) & 1) == 0) {
                    return; // __debug_save_spe_vhe is a NOP; an idle buffer needs nothing
                }
                saved = hw.get(pmscr);
                hw.set(pmscr, 0);
            }

            @Override
            public void restoreHost(PhysicalRegisters hw) {
                if (saved == 0) {
                    return;
                }
                if (hw.get(ttbr0) != hostTtbr0) {
                    orderViolation = true;
                }
                hw.set(pmscr, saved);
            }

            @Override
            public StateSnapshot exportState() {
                return StateSnapshot.builder("model-spe", 1).value("entries", entries).build();
            }

            @Override
            public void importState(StateSnapshot s) {
                entries = s.requireKind("model-spe", 1).value("entries");
            }
        };
    }
}
