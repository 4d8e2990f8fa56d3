package org.polyvisor.spi;

import org.osgi.annotation.versioning.ConsumerType;
import org.polyvisor.elf.ElfImage;

/**
 * One VM's machine as an architecture builds it: vCPUs and devices. Guest memory is not part of it: it belongs to
 * the framework and survives a swap of the architecture bundle untouched.
 */
@ConsumerType
public interface Machine extends AutoCloseable {
    int vcpuCount();

    Vcpu vcpu(int index);

    /**
     * Loads the image into guest memory and sets the boot state (entry point, boot registers) as the reference
     * machine does. Rejects an image for another machine type with a {@link org.polyvisor.api.VmException}.
     */
    void boot(ElfImage image);

    /**
     * Machine-level state (devices, interrupt controller, timers) in the neutral format. Called with every vCPU
     * paused. vCPU state is exported separately through {@link Vcpu#exportState()}.
     */
    StateSnapshot exportState();

    /**
     * Accepts machine state exported by this or an earlier version of the architecture, or throws
     * {@link StateIncompatibleException} saying which version it cannot read.
     */
    void importState(StateSnapshot state);

    /** Releases resources (devices, timers). Guest memory is not touched. */
    @Override
    void close();
}
