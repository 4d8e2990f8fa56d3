package org.polyvisor.spi;

/** What an {@link ExitHandler} can reach while handling an exit. */
@org.osgi.annotation.versioning.ProviderType
public interface ExitContext {
    int vmId();

    Vcpu vcpu();

    Machine machine();

    MachineContext machineContext();
}
