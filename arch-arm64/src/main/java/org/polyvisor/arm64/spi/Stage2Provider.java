package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ConsumerType;
import org.polyvisor.spi.MachineContext;

/**
 * A service that supplies stage 2 for new arm64 VMs (for example the per-VM stage-2 feature). Without one, RAM is
 * mapped 1:1 and every other IPA faults to the hypervisor layer (device MMIO or an external abort).
 */
@ConsumerType
public interface Stage2Provider {
    /**
     * Stage 2 for a VM being created.
     *
     * @param context  the VM's machine context (memory, devices)
     * @param identity the default identity stage 2, to delegate to for addresses the provider does not manage
     * @return the VM's stage 2, asked on every TLB miss of its vCPUs
     */
    Stage2 stage2For(MachineContext context, Stage2 identity);
}
