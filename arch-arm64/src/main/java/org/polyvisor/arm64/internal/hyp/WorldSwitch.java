package org.polyvisor.arm64.internal.hyp;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Halt;
import org.polyvisor.arm64.internal.cpu.sysreg.Hcr;
import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.spi.WorldSwitchSession;

/**
 * KVM's {@code __kvm_vcpu_run} for one vCPU on its modelled physical CPU, written once per host model
 * ({@link VheSwitch}, {@link NvheSwitch}). This base holds the save areas and the steps both sequences share;
 * subclasses spell the order out, so that each reads like the corresponding switch.c.
 */
public abstract class WorldSwitch {
    protected final PhysicalCpu hw;
    protected final Cpu cpu;
    private final Core core;
    protected final GuestTraps traps;
    /** The host's pending exceptions: the sequence tells it where DAIF changed for the host. */
    protected final HostEvents events;
    protected final RegisterSet trapRegs;
    protected final long[] hostTraps;
    protected final int iElr2;
    protected final int iSpsr2;
    /** Participants' sessions, ascending order; replaced only at a safe point on the vCPU thread. */
    protected WorldSwitchSession[] sessions = new WorldSwitchSession[0];
    /** Whether the guest's lazily switched registers are on the CPU (between vcpu_load and vcpu_put). */
    protected boolean loaded;
    /** ELR_EL2 at the last exit: the guest PC of the trapping instruction (or the next one for HVC). */
    protected long exitElr;
    /**
     * Set when the vCPU time-shares physical CPUs ({@link VcpuLoad}): the exit leaves the guest's VTCR_EL2 (and on VHE
     * VTTBR_EL2) on the CPU as KVM does, instead of the model's full restore of the host's trap registers.
     */
    private boolean leaveStage2;
    /** A deliberately wrong switch that does not load VTCR_EL2 on entry (see {@link #omitVtcrLoad}). */
    private boolean omitVtcr;
    private final int iVttbr;
    private final int iVtcr;
    /** Virtual IRQ line and the hook that takes the virtual IRQ exception when PSTATE.I allows it. */
    private final VirtualIrq virq;

    protected WorldSwitch(PhysicalCpu hw, GuestTraps traps, VirtualIrq virq) {
        this.hw = hw;
        this.cpu = hw.cpu();
        this.core = hw.core();
        this.traps = traps;
        this.events = hw.events();
        this.virq = virq;
        this.trapRegs = new RegisterSet(hw, SysRegGroups.TRAPS, false); // GuestTraps indexes it by position
        this.hostTraps = new long[trapRegs.size()];
        this.iElr2 = cpu.regs.index("ELR_EL2");
        this.iSpsr2 = cpu.regs.index("SPSR_EL2");
        this.iVttbr = cpu.regs.index("VTTBR_EL2");
        this.iVtcr = cpu.regs.index("VTCR_EL2");
    }

    /**
     * The vCPU runs on shared physical CPUs: what the guest's stage-2 registers hold stays on the CPU after an exit.
     * KVM's VHE __deactivate_traps leaves VTTBR_EL2 and VTCR_EL2 alone; nVHE's __load_host_stage2 writes VTTBR_EL2 = 0
     * (no protected mode) and leaves VTCR_EL2. The next vCPU loaded on the CPU finds them there.
     */
    public void leaveStage2OnExit() {
        leaveStage2 = true;
    }

    /**
     * Breaks this switch on purpose: guest entry loads VTTBR_EL2 but not VTCR_EL2, so the guest walks its tables with
     * whatever VTCR_EL2 the CPU holds: the mistake per-VM VTCR made possible ("kvm: arm64: Configure VTCR per VM",
     * Linux 4.20, moved VTCR_EL2 from hypervisor init into __load_guest_stage2). Only the test that shows such a switch
     * is caught uses it.
     */
    public void omitVtcrLoad() {
        omitVtcr = true;
    }

    public static WorldSwitch create(PhysicalCpu hw, GuestTraps traps, VirtualIrq virq) {
        return hw.model() == HostModel.VHE ? new VheSwitch(hw, traps, virq) : new NvheSwitch(hw, traps, virq);
    }

    public PhysicalCpu physical() {
        return hw;
    }

    public GuestTraps traps() {
        return traps;
    }

    /**
     * Runs the guest once: host to guest, guest code until an exit, back to the host. Returns the PE's {@link Halt}
     * code: {@code EL2_EXCEPTION} with the syndrome in ESR_EL2 and friends, {@code NONE} for an IRQ/kick exit.
     */
    public abstract int run(BooleanSupplier stop);

    /** kvm_arch_vcpu_load: the vCPU's thread is about to run it on this CPU. */
    public abstract void load();

    /** kvm_arch_vcpu_put: the vCPU thread blocks or leaves; lazily held guest state goes back to memory. */
    public abstract void put();

    /**
     * Host-visible registers a round trip changes by architecture: the exit exception's syndrome and return state
     * (and, on nVHE, the host's own HVC into EL2 writes ELR_EL2/SPSR_EL2). DAIF follows the host model's rule:
     * restored exactly on nVHE (ERET from SPSR_EL2); after a VHE run what option vhe.daif says, by default
     * DAIF_PROCCTX_NOIRQ (kvm_vcpu_run_vhe).
     */
    public static final List<String> ARCHITECTURALLY_CHANGED = List.of("ESR_EL2", "FAR_EL2", "HPFAR_EL2", "ELR_EL2",
            "SPSR_EL2");

    /** The registers that make up the host context this host model preserves across a run, eagerly switched. */
    public abstract List<String> hostContextRegisters();

    /** The host model's list plus the registers participants declared, without duplicates. */
    @SafeVarargs
    protected final List<String> withParticipants(List<String>... lists) {
        LinkedHashSet<String> all = new LinkedHashSet<>(SysRegGroups.concat(lists));
        all.addAll(hw.participantRegisters());
        return List.copyOf(all);
    }

    /** Host registers switched only at load/put (compared after {@link #put()}). */
    public abstract List<String> lazyHostRegisters();

    /** Register groups whose guest values are in a save area right now (not on the CPU model), with the areas. */
    abstract RegisterSet[] guestOffCpu();

    abstract long[][] guestOffCpuAreas();

    /** ELR_EL2 as the last exit left it (KVM keeps it as the vCPU's PC). */
    public long exitElr() {
        return exitElr;
    }

    public void setSessions(WorldSwitchSession[] s) {
        sessions = s;
    }

    public WorldSwitchSession[] sessions() {
        return sessions;
    }

    // ---------------------------------------------------------------- steps shared by both sequences

    /** __activate_traps + __load_stage2 + timer traps: the guest's EL2 configuration, host values kept. */
    protected final void activateTraps(boolean saveHost) {
        if (saveHost) {
            trapRegs.save(hw, hostTraps);
        }
        long onCpu = cpu.sys[iVtcr];
        trapRegs.restore(hw, traps.values);
        if (omitVtcr) {
            cpu.sys[iVtcr] = onCpu;
        }
        core.mem.guestEntered(); // the VTTBR just loaded selects the VMID's TLB entries
    }

    /** __deactivate_traps + __load_host_stage2: the host's EL2 configuration back. */
    protected final void deactivateTraps() {
        if (!leaveStage2) {
            trapRegs.restore(hw, hostTraps);
            return;
        }
        long vttbr = cpu.sys[iVttbr];
        long vtcr = cpu.sys[iVtcr];
        trapRegs.restore(hw, hostTraps);
        cpu.sys[iVtcr] = vtcr;
        cpu.sys[iVttbr] = hw.vhe() ? vttbr : 0;
    }

    protected final void participantsSaveHost() {
        WorldSwitchSession[] s = sessions;
        for (int i = 0; i < s.length; i++) {
            s[i].saveHost(hw);
        }
    }

    protected final void participantsLoadGuest() {
        WorldSwitchSession[] s = sessions;
        for (int i = 0; i < s.length; i++) {
            s[i].loadGuest(hw);
        }
    }

    protected final void participantsSaveGuest() {
        WorldSwitchSession[] s = sessions;
        for (int i = s.length - 1; i >= 0; i--) {
            s[i].saveGuest(hw);
        }
    }

    protected final void participantsRestoreHost() {
        WorldSwitchSession[] s = sessions;
        for (int i = s.length - 1; i >= 0; i--) {
            s[i].restoreHost(hw);
        }
    }

    /**
     * __guest_enter .. __guest_exit: ERET to the guest's PC/PSTATE (ELR/SPSR_EL2), run it, and take the exit exception
     * to EL2, which records the guest PSTATE in SPSR_EL2 and masks every DAIF bit of the physical PSTATE. A pending,
     * unmasked virtual IRQ (HCR_EL2.VI) is taken by the guest without an exit, as the hardware does.
     */
    protected final int guestEnter(BooleanSupplier stop) {
        // KVM loads ELR_EL2/SPSR_EL2 from the vCPU context before the ERET; here the CPU model's PC and PSTATE are
        // that context already, so the ERET is implicit and only the exit below records them in EL2 registers.
        int halt;
        while (true) {
            if ((cpu.sys[cpu.iHcr] & Hcr.VI) != 0) {
                virq.takeIfUnmasked(cpu);
            }
            halt = core.run(stop);
            if (halt == Halt.NONE && virq.wantsEntry(cpu)) {
                continue; // the guest unmasked IRQs with the line asserted: it takes the IRQ, no exit
            }
            break;
        }
        core.mem.guestExited();
        if (halt == Halt.NONE) {
            cpu.sys[iElr2] = cpu.pc; // an IRQ exit: the guest resumes where it stopped
        }
        exitElr = cpu.sys[iElr2];
        cpu.sys[iSpsr2] = cpu.pstate();
        hw.daif = Cpu.DAIF_MASK;
        return halt;
    }

    // ---------------------------------------------------------------- guest view for handlers and snapshots

    /**
     * Inside {@link #withGuestView}: puts the vCPU's EL2 trap configuration back on the CPU model after something
     * (a vCPU reset for PSCI CPU_ON or boot) reset the model's EL2 registers. The hypervisor owns HCR_EL2, VTTBR_EL2
     * (VMID), CNTVOFF_EL2 and friends; a guest reset must not change them.
     */
    public final void reloadTraps() {
        trapRegs.restore(hw, traps.values);
    }

    /**
     * Runs {@code action} with every guest register on the CPU model (the view exit handlers, pv:regs and snapshots
     * need), then puts the host's values back. Slow path: only for handlers that read guest system registers and for
     * paused vCPUs.
     */
    public final void withGuestView(Runnable action) {
        RegisterSet[] sets = guestOffCpu();
        long[][] areas = guestOffCpuAreas();
        long[][] hostSave = new long[sets.length][];
        for (int i = 0; i < sets.length; i++) {
            hostSave[i] = new long[sets[i].size()];
            sets[i].save(hw, hostSave[i]);
            sets[i].restore(hw, areas[i]);
        }
        long[] hostTrapSave = new long[trapRegs.size()];
        trapRegs.save(hw, hostTrapSave);
        trapRegs.restore(hw, traps.values);
        try {
            action.run();
        } finally {
            trapRegs.save(hw, traps.values);
            trapRegs.restore(hw, hostTrapSave);
            for (int i = sets.length - 1; i >= 0; i--) {
                sets[i].save(hw, areas[i]);
                sets[i].restore(hw, hostSave[i]);
            }
        }
    }
}
