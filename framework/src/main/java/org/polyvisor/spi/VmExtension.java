package org.polyvisor.spi;

import org.osgi.annotation.versioning.ConsumerType;
import org.polyvisor.api.VmConfig;

/**
 * A per-VM plugin with state of its own: a device, a statistics collector, an architecture feature's per-VM part.
 * Registered as a service with the property {@value #PROPERTY} = its id. The framework attaches it to every new VM it
 * applies to, right after the machine is built.
 *
 * <p>Swapping: when the service unregisters, the framework pauses the VMs it is attached to, exports each
 * attachment's state through the old code and closes it; the VMs wait until an extension with the same id registers,
 * which is attached again and given the state. An architecture swap detaches and re-attaches extensions the same way,
 * since the new machine starts with an empty device bus.
 */
@ConsumerType
public interface VmExtension {
    /** Service property naming the extension id. */
    String PROPERTY = "polyvisor.extension";

    /**
     * The extension id, the same as the service's {@value #PROPERTY} property; a replacement with the same id takes
     * over the attachments' state.
     *
     * @return the id
     */
    String id();

    /**
     * Whether this extension belongs in a VM with this configuration (for example only for {@code arm64}).
     *
     * @param config the VM's configuration
     * @return true to be attached to it
     */
    boolean appliesTo(VmConfig config);

    /**
     * Attaches to one VM (maps devices on {@link MachineContext#mmio()}, and so on).
     *
     * @param context the VM's machine context
     * @return the attachment, closed when the VM is destroyed or the extension goes away
     */
    Attachment attach(MachineContext context);

    /** One VM's attachment. */
    @ConsumerType
    interface Attachment extends AutoCloseable {
        /**
         * The attachment's state, exported before it is closed for a swap.
         *
         * @return the state
         */
        StateSnapshot exportState();

        /**
         * Accepts state from this or an earlier version, or throws {@link StateIncompatibleException}.
         *
         * @param state what {@link #exportState()} of this or an earlier version returned
         */
        void importState(StateSnapshot state);

        /** Unmaps what {@link VmExtension#attach} mapped. */
        @Override
        void close();
    }
}
