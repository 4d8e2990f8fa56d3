package org.polyvisor.feature.spe.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.arm64.spi.PhysicalRegisters;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.arm64.spi.WorldSwitchSession;
import org.polyvisor.spi.StateSnapshot;

/**
 * KVM's host SPE save/restore on nVHE as a world-switch participant, in the order "arm64: KVM: Save/restore the host
 * SPE state when entering/leaving a VM" (2017) settled: in {@code saveHost} (after the host sysregs are saved, before
 * the guest's EL1 regime is loaded) skip when the CPU has no SPE (PMSVer 0), when PMBIDR_EL1.P says a higher EL owns
 * the buffer, or when the host is not profiling (PMBLIMITR_EL1.E clear); otherwise save PMSCR_EL1, write 0 and drain
 * (isb; psb csync; dsb nsh), so nothing is written once the guest's tables are live; {@code restoreHost} (after the
 * host's regime is back) writes PMSCR_EL1 back. {@link Form#UPSTREAM} is today's __debug_save_spe / __debug_restore_spe
 * (arch/arm64/kvm/hyp/nvhe/debug-sr.c), which also saves and clears PMBLIMITR_EL1 (the buffer itself is disabled
 * while the guest runs). {@link Form#MISORDERED} does the same work in {@code loadGuest}, after the guest's regime
 * is loaded, to show why the order matters. VHE: nothing (the host profiles the guest behind its back).
 */
@Component(service = WorldSwitchParticipant.class)
public final class SpeHostSave implements WorldSwitchParticipant {
    /** Which form of the save runs. */
    public enum Form {
        /** The 2017 patch: PMSCR_EL1 saved and cleared, buffer drained. */
        KVM_2017,
        /** Today's upstream form: PMBLIMITR_EL1 saved and cleared as well. */
        UPSTREAM,
        /** The 2017 work done too late: after the guest's EL1 regime is loaded (a bug, for the demonstration). */
        MISORDERED
    }

    /** Order of this participant: SPE's place in the sequence. */
    public static final int ORDER = 200;

    private final Form form;
    /** Host entries on which the participant saved and cleared PMSCR_EL1 (statistics, benchmark). */
    public volatile long saves;

    public SpeHostSave() {
        this(Form.KVM_2017);
    }

    public SpeHostSave(Form form) {
        this.form = form;
    }

    @Override
    public String id() {
        return "spe";
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public List<String> hostRegisters() {
        return List.of("PMSCR_EL1", "PMBLIMITR_EL1", "PMBPTR_EL1");
    }

    @Override
    public WorldSwitchSession open(PhysicalRegisters cpu) {
        int pmscr = cpu.slot("PMSCR_EL1");
        int limit = cpu.slot("PMBLIMITR_EL1");
        // the physical CPU's profile and host session, looked up once per session rather than per switch
        HostProfiling.Session host = HostProfiling.cpu(cpu.vcpuIndex());
        return new WorldSwitchSession() {
            private long savedPmscr;
            private long savedLimit;

            private void save(PhysicalRegisters hw, boolean guestRegimeLoaded) {
                savedPmscr = 0;
                savedLimit = 0;
                HostProfiling.Session s = host;
                if (hw.vhe() || s.pmsVer == 0 || s.ownedByHigherEl || (hw.get(limit) & Spe.PMBLIMITR_E) == 0) {
                    return;
                }
                savedPmscr = hw.get(pmscr);
                hw.set(pmscr, 0);
                // isb; psb csync; dsb nsh: the unit writes what it holds, through the regime loaded now
                if (guestRegimeLoaded) {
                    SpeHardwareModel.writeThroughGuestRegime(hw, s);
                } else {
                    SpeHardwareModel.drainToHost(hw, s);
                }
                if (form == Form.UPSTREAM) {
                    savedLimit = hw.get(limit);
                    hw.set(limit, 0);
                }
                saves++;
            }

            @Override
            public void saveHost(PhysicalRegisters hw) {
                if (form != Form.MISORDERED) {
                    save(hw, false);
                }
            }

            @Override
            public void loadGuest(PhysicalRegisters hw) {
                if (form == Form.MISORDERED) {
                    save(hw, true);
                }
            }

            @Override
            public StateSnapshot exportState() {
                // taken at a safe point, outside the switch: nothing is saved between saveHost and restoreHost then
                return StateSnapshot.builder("spe-host-save", 1).value("pmscr", savedPmscr)
                        .value("pmblimitr", savedLimit).build();
            }

            @Override
            public void importState(StateSnapshot state) {
                StateSnapshot s = state.requireKind("spe-host-save", 1);
                savedPmscr = s.value("pmscr");
                savedLimit = s.value("pmblimitr");
            }

            @Override
            public void restoreHost(PhysicalRegisters hw) {
                // the host's page tables are installed again (isb), then data generation is re-enabled
                if (savedLimit != 0) {
                    hw.set(limit, savedLimit);
                }
                if (savedPmscr != 0) {
                    hw.set(pmscr, savedPmscr);
                }
            }
        };
    }
}
