package org.polyvisor.arm64.internal.hyp;

import java.util.List;
import java.util.function.BooleanSupplier;

import org.polyvisor.arm64.internal.cpu.Cpu;

/**
 * The non-VHE world switch (arch/arm64/kvm/hyp/nvhe/switch.c): the host kernel runs at EL1 and shares the EL1
 * register bank with the guest, so every entry saves the host's EL1 state and every exit restores it. The host
 * reaches EL2 by HVC, which records its PSTATE in SPSR_EL2 and masks DAIF; the ERET back restores it, so the host's
 * DAIF is preserved implicitly, as on hardware.
 */
final class NvheSwitch extends WorldSwitch {
    /** Where the host kernel's kvm_call_hyp returns to (only compared, never executed). */
    static final long HOST_RETURN_PC = 0xFFFF_8000_0801_0000L;
    private static final long SPSR_EL1H = 0x5;

    private final RegisterSet ctxt;
    private final long[] hostCtxt;
    private final long[] guestCtxt;
    private long hostElr2;
    private long hostSpsr2;

    NvheSwitch(PhysicalCpu hw, GuestTraps traps, VirtualIrq virq) {
        super(hw, traps, virq);
        ctxt = new RegisterSet(hw, SysRegGroups.concat(SysRegGroups.EL1, SysRegGroups.USER, SysRegGroups.COMMON,
                List.of("SP_EL0")));
        hostCtxt = new long[ctxt.size()];
        guestCtxt = new long[ctxt.size()];
        ctxt.save(hw, guestCtxt); // the vCPU's reset values are on the CPU model when it is created
    }

    @Override
    public int run(BooleanSupplier stop) {
        // kvm_call_hyp(__kvm_vcpu_run): HVC from the host kernel at EL1h.
        cpu.sys[iElr2] = HOST_RETURN_PC;
        cpu.sys[iSpsr2] = hw.daif | SPSR_EL1H;
        hw.daif = Cpu.DAIF_MASK;
        events.reach(HostEvents.Point.IN_SWITCH);
        hostElr2 = cpu.sys[iElr2]; // host_ctxt's EL2 return state
        hostSpsr2 = cpu.sys[iSpsr2];

        // Lazy host save: unless something wrote a host register since the last exit restored them all, the CPU
        // still holds exactly the saved copy.
        boolean saveHost = hw.hostDirty;
        if (saveHost) {
            ctxt.save(hw, hostCtxt);        // __sysreg_save_state_nvhe(host_ctxt)
        }
        hw.hostDirty = false;               // participants' writes from here on dirty it again
        participantsSaveHost();             // __debug_save_host_buffers_nvhe: after the host sysregs
        activateTraps(saveHost);            // __activate_traps, __load_stage2, __timer_enable_traps
        ctxt.restore(hw, guestCtxt);        // __sysreg_restore_state_nvhe(guest_ctxt)
        participantsLoadGuest();            // __debug_switch_to_guest

        int halt = guestEnter(stop);        // __guest_enter .. __guest_exit

        ctxt.save(hw, guestCtxt);           // __sysreg_save_state_nvhe(guest_ctxt)
        participantsSaveGuest();            // __debug_switch_to_host (guest side)
        deactivateTraps();                  // __timer_disable_traps, __deactivate_traps, __load_host_stage2
        ctxt.restore(hw, hostCtxt);         // __sysreg_restore_state_nvhe(host_ctxt)
        participantsRestoreHost();          // __debug_restore_host_buffers_nvhe: host page tables live again

        // ERET to the host: its EL2 return state, then PSTATE (and so DAIF) from SPSR_EL2.
        cpu.sys[iElr2] = hostElr2;
        cpu.sys[iSpsr2] = hostSpsr2;
        hw.daif = (int) hostSpsr2 & Cpu.DAIF_MASK;
        events.reach(HostEvents.Point.AFTER_RUN);
        return halt;
    }

    @Override
    public void load() {
        loaded = true; // nothing is switched lazily without VHE
    }

    @Override
    public void put() {
        loaded = false;
    }

    @Override
    public List<String> hostContextRegisters() {
        return withParticipants(List.of("DAIF"), ctxt.names(), SysRegGroups.TRAPS,
                List.of("VBAR_EL2", "PMSCR_EL1"));
    }

    @Override
    public List<String> lazyHostRegisters() {
        return List.of();
    }

    @Override
    RegisterSet[] guestOffCpu() {
        return new RegisterSet[] {ctxt};
    }

    @Override
    long[][] guestOffCpuAreas() {
        return new long[][] {guestCtxt};
    }
}
