package org.polyvisor.arm64.internal.hyp;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The VHE world switch (arch/arm64/kvm/hyp/vhe/switch.c): the host kernel runs at EL2 with HCR_EL2.E2H, so its own
 * registers are EL2 ones the guest never uses; the guest's EL1 state is loaded at vcpu_load and saved at vcpu_put,
 * not per exit. There is no HVC, so nothing restores DAIF implicitly: as kvm_vcpu_run_vhe() does upstream,
 * __kvm_vcpu_run masks all of DAIF before the switch (local_daif_mask) and afterwards sets the process-context state
 * with IRQs still masked (local_daif_restore(DAIF_PROCCTX_NOIRQ)) instead of leaking the exit exception's masking
 * (debug and SError) into the host. Option {@code vhe.daif} replaces that step by one of the other designs argued in
 * "KVM: arm64: stop propagating DAIF flags between kernel and VHE's world switch" (2017), see {@link VheDaif}.
 */
final class VheSwitch extends WorldSwitch {
    private final RegisterSet eager;
    private final RegisterSet lazyGuest;
    private final RegisterSet hostUser;
    private final long[] hostEager;
    private final long[] guestEager;
    private final long[] guestLazy;
    private final long[] hostLazy;
    private final int vbar2;
    private final VheDaif daifDesign;
    private long hostVbar;

    VheSwitch(PhysicalCpu hw, GuestTraps traps, VirtualIrq virq) {
        super(hw, traps, virq);
        eager = new RegisterSet(hw, SysRegGroups.concat(SysRegGroups.COMMON, List.of("SP_EL0")));
        lazyGuest = new RegisterSet(hw, SysRegGroups.concat(SysRegGroups.EL1, SysRegGroups.USER));
        hostUser = new RegisterSet(hw, SysRegGroups.USER);
        hostEager = new long[eager.size()];
        guestEager = new long[eager.size()];
        guestLazy = new long[lazyGuest.size()];
        hostLazy = new long[hostUser.size()];
        eager.save(hw, guestEager);
        lazyGuest.save(hw, guestLazy);
        vbar2 = hw.slot("VBAR_EL2");
        daifDesign = hw.vheDaif();
    }

    @Override
    public int run(BooleanSupplier stop) {
        int hostDaif = hw.daif;              // used by vhe.daif=saverestore only (the patch's first version)
        hw.daif = daifDesign.onEntry(hostDaif); // local_daif_mask()
        events.reach(HostEvents.Point.IN_SWITCH);

        // __kvm_vcpu_run_vhe
        boolean saveHost = hw.hostDirty;     // lazy: see NvheSwitch
        if (saveHost) {
            eager.save(hw, hostEager);       // sysreg_save_host_state_vhe
        }
        hw.hostDirty = false;                // participants' writes from here on dirty it again
        participantsSaveHost();              // after the host sysregs (the nVHE SPE ordering)
        activateTraps(saveHost);             // __activate_traps: HCR (E2H kept), MDCR, CPTR, timer, stage 2
        if (saveHost) {
            hostVbar = hw.get(vbar2);        //   ... and the hyp vectors in VBAR_EL1 (= VBAR_EL2 under E2H)
        }
        hw.setRaw(vbar2, HypConstants.HYP_VECTORS);
        eager.restore(hw, guestEager);       // sysreg_restore_guest_state_vhe
        participantsLoadGuest();             // __debug_switch_to_guest

        int halt = guestEnter(stop);         // __guest_enter .. __guest_exit

        eager.save(hw, guestEager);          // sysreg_save_guest_state_vhe
        participantsSaveGuest();
        hw.setRaw(vbar2, hostVbar);          // __deactivate_traps: host vectors,
        deactivateTraps();                   //   host HCR/MDCR/CPTR, host stage 2
        eager.restore(hw, hostEager);        // sysreg_restore_host_state_vhe
        participantsRestoreHost();           // __debug_switch_to_host

        hw.daif = daifDesign.onExit(hw.daif, hostDaif); // local_daif_restore(DAIF_PROCCTX_NOIRQ)
        events.reach(HostEvents.Point.AFTER_RUN);
        return halt;
    }

    @Override
    public void load() {
        if (!loaded) {                       // kvm_vcpu_load_sysregs_vhe
            hostUser.save(hw, hostLazy);
            lazyGuest.restore(hw, guestLazy);
            loaded = true;
        }
    }

    @Override
    public void put() {
        if (loaded) {                        // kvm_vcpu_put_sysregs_vhe
            lazyGuest.save(hw, guestLazy);
            hostUser.restore(hw, hostLazy);
            loaded = false;
        }
    }

    @Override
    public List<String> hostContextRegisters() {
        return withParticipants(List.of("DAIF"), eager.names(), SysRegGroups.TRAPS, SysRegGroups.VHE_HOST_EL2);
    }

    @Override
    public List<String> lazyHostRegisters() {
        return hostUser.names();
    }

    @Override
    RegisterSet[] guestOffCpu() {
        return loaded ? new RegisterSet[] {eager} : new RegisterSet[] {eager, lazyGuest};
    }

    @Override
    long[][] guestOffCpuAreas() {
        return loaded ? new long[][] {guestEager} : new long[][] {guestEager, guestLazy};
    }
}
