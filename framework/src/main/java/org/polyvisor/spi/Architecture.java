package org.polyvisor.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An architecture plugin, registered as an OSGi service with the property {@value #PROPERTY} set to its id
 * ({@code arm64}, {@code ppc-booke}). When the service goes away (bundle stop, update, refresh) the framework
 * pauses the VMs built from it, exports their state through it, and imports that state into the replacement.
 */
@ConsumerType
public interface Architecture {
    /** Service property naming the architecture id. */
    String PROPERTY = "polyvisor.arch";

    /**
     * The architecture id, the same as the service's {@value #PROPERTY} property.
     *
     * @return for example {@code arm64}
     */
    String id();

    /**
     * What this architecture offers (like KVM_CHECK_EXTENSION) and which VM options it accepts.
     *
     * @return the capabilities; the same for every call
     */
    ArchCapabilities capabilities();

    /**
     * Creates the machine (devices, vCPUs) for a VM. Must reject an impossible configuration (unknown option, too
     * many vCPUs, RAM that does not fit the memory map) with a {@link org.polyvisor.api.VmException} that names the
     * option and the allowed values. Guest memory is owned by the framework and reached through the context.
     *
     * @param context the VM's configuration, memory, console and clock
     * @return the machine, its vCPUs at reset
     */
    Machine createMachine(MachineContext context);
}
