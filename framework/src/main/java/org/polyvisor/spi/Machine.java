package org.polyvisor.spi;

import org.osgi.annotation.versioning.ConsumerType;
import org.polyvisor.elf.ElfImage;

/**
 * One VM's machine as an architecture builds it: vCPUs and devices. Guest memory is not part of it: it belongs to
 * the framework and survives a swap of the architecture bundle untouched.
 */
@ConsumerType
public interface Machine extends AutoCloseable {
    /**
     * How many vCPUs the machine has, as configured.
     *
     * @return the vCPU count
     */
    int vcpuCount();

    /**
     * One vCPU; the framework runs each on a thread of its own.
     *
     * @param index 0 to {@code vcpuCount() - 1}
     * @return the vCPU
     */
    Vcpu vcpu(int index);

    /**
     * Loads the image into guest memory and sets the boot state (entry point, boot registers) as the reference
     * machine does. Rejects an image for another machine type with a {@link org.polyvisor.api.VmException}.
     *
     * @param image the validated ELF image
     */
    void boot(ElfImage image);

    /**
     * Machine-level state (devices, interrupt controller, timers) in the neutral format. Called with every vCPU
     * paused. vCPU state is exported separately through {@link Vcpu#exportState()}.
     *
     * @return the machine's state
     */
    StateSnapshot exportState();

    /**
     * Accepts machine state exported by this or an earlier version of the architecture, or throws
     * {@link StateIncompatibleException} saying which version it cannot read.
     *
     * @param state what {@link #exportState()} of this or an earlier version returned
     */
    void importState(StateSnapshot state);

    /**
     * Dirty-page logging of this machine's RAM, for live save. Machines that cannot track guest writes return
     * null (the default); the framework then refuses a live save with an error naming what is missing.
     *
     * @return the machine's dirty log, or null where the architecture (or its installed features) offer none
     */
    default DirtyLog dirtyLog() {
        return null;
    }

    /** Releases resources (devices, timers). Guest memory is not touched. */
    @Override
    void close();
}
