package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.cpu.sysreg.Hcr;
import org.polyvisor.arm64.internal.cpu.sysreg.Mdcr;

/**
 * The EL2 configuration a guest runs under, as KVM computes it per vCPU (vcpu_reset_hcr, kvm_arm_setup_debug,
 * the VMID and the stage-2 root): values in the order of {@link SysRegGroups#TRAPS}. The virtual IRQ line is
 * HCR_EL2.VI, set by the interrupt controller model before entry.
 */
public final class GuestTraps {
    static final int HCR = 0;
    static final int MDCR = 1;
    static final int CPTR = 2;
    static final int CNTHCTL = 3;
    static final int CNTVOFF = 4;
    static final int VTTBR = 5;
    static final int VTCR = 6;

    /** Values in {@link SysRegGroups#TRAPS} order; the world switch loads them on entry. */
    final long[] values = new long[SysRegGroups.TRAPS.size()];

    public GuestTraps(HostModel model, int vmid, long cntvoff) {
        // vcpu_reset_hcr: the guest flags, E2H on a VHE host, and TVM (a Cortex-A57 host has no stage-2 FWB) until the
        // guest turns its MMU and caches on (kvm_toggle_cache, see SysRegTrapHandler)
        values[HCR] = HypConstants.HCR_GUEST_FLAGS | Hcr.TVM
                | (model == HostModel.VHE ? Hcr.E2H : 0);
        values[MDCR] = HypConstants.MDCR_GUEST_FLAGS;
        values[CPTR] = HypConstants.CPTR_GUEST;
        values[CNTHCTL] = HypConstants.CNTHCTL_GUEST;
        values[CNTVOFF] = cntvoff;
        values[VTTBR] = (long) (vmid & 0xFF) << 48; // BADDR set by setStage2 when the VM has stage-2 tables
        values[VTCR] = HypConstants.VTCR_40BIT_4K;
    }

    /** VTTBR_EL2 and VTCR_EL2 for the guest: the VM's stage-2 root, VMID and configuration (__load_stage2). */
    public void setStage2(long vttbr, long vtcr) {
        values[VTTBR] = vttbr;
        values[VTCR] = vtcr;
    }

    /** kvm_arm_setup_debug: the guest gets the host's HPMN (counters EL1 may use) on top of the trap bits. */
    public void inheritHpmn(long hostMdcr) {
        values[MDCR] = HypConstants.MDCR_GUEST_FLAGS | (hostMdcr & Mdcr.HPMN_MASK);
    }

    /** Raises or lowers the virtual IRQ line (HCR_EL2.VI) for the next entry. */
    public void setVirtualIrq(boolean asserted) {
        values[HCR] = asserted ? values[HCR] | Hcr.VI : values[HCR] & ~Hcr.VI;
    }

    public long hcr() {
        return values[HCR];
    }

    public long cntvoff() {
        return values[CNTVOFF];
    }

    public void setCntvoff(long v) {
        values[CNTVOFF] = v;
    }

    public long get(int i) {
        return values[i];
    }

    public void set(int i, long v) {
        values[i] = v;
    }
}
