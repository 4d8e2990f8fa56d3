package org.polyvisor.spi;

import org.osgi.annotation.versioning.ProviderType;

/** What an {@link ExitHandler} can reach while handling an exit. */
@ProviderType
public interface ExitContext {
    int vmId();

    Vcpu vcpu();

    Machine machine();

    MachineContext machineContext();
}
