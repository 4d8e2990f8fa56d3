package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.arm64.internal.cpu.Cpu;

/**
 * How the VHE world switch treats the host's PSTATE.DAIF around the guest run: the four designs argued in "KVM:
 * arm64: stop propagating DAIF flags between kernel and VHE's world switch" (James Morse, Christoffer Dall,
 * linux-arm-kernel, August 2017). On VHE the host kernel reaches the switch by a function call, not by HVC, so no
 * SPSR_EL2 saves and restores its DAIF; whatever the sequence leaves in DAIF is what the host kernel continues with.
 * Only {@link #UPSTREAM} is right; the others exist so that people studying the design can watch what each one does
 * to pending host debug exceptions, SErrors and interrupts ({@link HostEvents}).
 */
public enum VheDaif {
    /**
     * The final form ("KVM: arm/arm64: mask/unmask daif around VHE guests", 2018; today kvm_vcpu_run_vhe in
     * arch/arm64/kvm/hyp/vhe/switch.c): local_daif_mask() before the switch,
     * local_daif_restore(DAIF_PROCCTX_NOIRQ) after it: debug and SError unmasked, IRQ and FIQ still masked until the
     * caller's local_irq_enable().
     */
    UPSTREAM("upstream"),
    /**
     * Before the patch: the host's DAIF flows into the switch unchanged (hyp code runs with debug and SError unmasked)
     * and the exit exception's masking flows back out: the host returns from the run with all of DAIF masked, and
     * once its local_irq_enable() has opened I (and F, kept in sync with I) it still has D and A masked.
     */
    LEAK("leak"),
    /**
     * James Morse's first version: __vhe_hyp_call saves DAIF, masks it as an HVC would, and restores the saved value
     * afterwards, like the ERET on nVHE (a stack save on the critical path, and every kvm_call_hyp pays for it).
     */
    SAVE_RESTORE("saverestore"),
    /**
     * Christoffer Dall's suggestion in the thread: "msr daifset, #0xf" before, "msr daifclr, #0xd" after: D, A and
     * F cleared, I left masked. Written before arm64 kept DAIF.I and DAIF.F in sync ("arm64: Always keep DAIF.[IF] in
     * sync", 2021), it lets a host FIQ in while IRQs are still off.
     */
    CLEAR_DAF("clear-d-a-f");

    public static final String OPTION = "vhe.daif";
    private static final String ALLOWED = "upstream, leak, saverestore, clear-d-a-f";

    private final String id;

    VheDaif(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /**
     * The design a VM asks for with option {@code vhe.daif}; upstream when absent. On nVHE the option is refused:
     * there the HVC into EL2 saves the host's DAIF in SPSR_EL2 and the ERET restores it, so there is nothing to choose.
     */
    public static VheDaif of(VmConfig config, HostModel host) {
        String v = config.options().get(OPTION);
        if (v == null) {
            return UPSTREAM;
        }
        if (host != HostModel.VHE) {
            throw new VmException("arm64: option " + OPTION + "=" + v + " applies only to host=vhe; with host="
                    + host.id() + " the HVC into EL2 saves the host's DAIF in SPSR_EL2 and the ERET restores it");
        }
        for (VheDaif d : values()) {
            if (d.id.equals(v)) {
                return d;
            }
        }
        throw new VmException("arm64: option " + OPTION + "=" + v + " is invalid; allowed: " + ALLOWED);
    }

    /** The DAIF the switch runs with, given the host's (the caller has saved {@code host} where the design needs). */
    int onEntry(int host) {
        return this == LEAK ? host : Cpu.DAIF_MASK; // local_daif_mask() / daifset #0xf / the HVC-like mask
    }

    /**
     * The DAIF the host continues with, given what the exit path left ({@code afterExit}, all masked by the exit
     * exception) and the host's DAIF saved on entry.
     */
    int onExit(int afterExit, int savedHost) {
        return switch (this) {
            case UPSTREAM -> HypConstants.DAIF_PROCCTX_NOIRQ;
            case LEAK -> afterExit;
            case SAVE_RESTORE -> savedHost;
            case CLEAR_DAF -> afterExit & ~(HypConstants.PSR_D_BIT | HypConstants.PSR_A_BIT | HypConstants.PSR_F_BIT);
        };
    }
}
