package org.polyvisor.arm64.internal.hyp;

/**
 * The hypervisor's stage-2 fault path for one VM (KVM: kvm_handle_guest_abort -> user_mem_abort): given a stage-2
 * abort the guest took to EL2 on an IPA that is not a device, map what is memory and let the guest retry.
 */
public interface Stage2Faults {
    /**
     * @param ipa   the faulting IPA (HPFAR_EL2 with FAR_EL2's page offset)
     * @param write the access was a store (ESR WnR, 0 for a stage-1 walk)
     * @param exec  an instruction fetch
     * @return true if the IPA is now mapped for the access; false if it is no memory of the VM (the guest gets an
     *     external abort)
     */
    boolean resolve(long ipa, boolean write, boolean exec);

    /** VTTBR_EL2 for the VM: its stage-2 root and VMID, loaded on every guest entry. */
    long vttbr();

    /** VTCR_EL2 for the VM. */
    long vtcr();
}
