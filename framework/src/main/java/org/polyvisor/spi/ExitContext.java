package org.polyvisor.spi;

import org.osgi.annotation.versioning.ProviderType;

/** What an {@link ExitHandler} can reach while handling an exit. */
@ProviderType
public interface ExitContext {
    /**
     * The VM whose vCPU exited, for messages and per-VM handler state.
     *
     * @return the VM id
     */
    int vmId();

    /**
     * The vCPU that exited; the handler runs on its thread.
     *
     * @return the vCPU
     */
    Vcpu vcpu();

    /**
     * The machine the vCPU belongs to (devices, other vCPUs).
     *
     * @return the machine
     */
    Machine machine();

    /**
     * What the framework gives the machine: memory, console, clock, counters.
     *
     * @return the VM's machine context
     */
    MachineContext machineContext();
}
