package org.polyvisor.arm64.spi;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A service that chooses each new arm64 VM's stage-2 configuration (the per-VM VTCR_EL2 of "KVM: arm64: Configure VTCR
 * per VM", Linux 4.20), for example feature-stage2. The architecture builds and walks the VM's stage-2 tables from the
 * returned VTCR_EL2 (its T0SZ, SL0 and TG0 give the IPA size, levels and granule) and loads it with VTTBR_EL2 on every
 * guest entry. Without one, every VM gets the single VTCR the built-in hypervisor computed at init (40-bit IPA, 4K),
 * and the VM options below other than their defaults are refused.
 */
@ConsumerType
public interface Stage2Configurator {
    /** VM option: IPA size in bits (0 or absent: 40, as KVM_VM_TYPE_ARM_IPA_SIZE). */
    String OPTION_IPA = "ipa";
    /** VM option: stage-2 translation granule, {@code 4k}, {@code 16k} or {@code 64k} (absent: 4k). */
    String OPTION_GRANULE = "s2granule";

    /**
     * Validates a VM's requested stage 2 against the host (kvm_arm_setup_stage2) and computes its VTCR_EL2
     * (kvm_get_vtcr).
     *
     * @param options the VM's options ({@link #OPTION_IPA}, {@link #OPTION_GRANULE}; others are ignored)
     * @param host    what the host's physical CPUs allow
     * @return VTCR_EL2 for the VM
     * @throws IllegalArgumentException with a message naming the limit when the host cannot give the VM that stage 2
     */
    long vtcr(Map<String, String> options, Stage2Host host);

    /**
     * The largest IPA size a VM may ask for on this host (KVM_CAP_ARM_VM_IPA_SIZE).
     *
     * @param host what the host's physical CPUs allow
     * @return bits
     */
    int maxIpaBits(Stage2Host host);
}
