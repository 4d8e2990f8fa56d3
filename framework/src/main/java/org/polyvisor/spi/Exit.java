package org.polyvisor.spi;

import org.polyvisor.api.GuestPhysicalAddress;

/**
 * Why {@link Vcpu#run()} returned. Generic exits are handled by the framework; everything else is an
 * {@link ArchExit} dispatched to the {@link ExitHandler} registered for its architecture and exit class.
 */
public sealed interface Exit {
    /** The shared instance returned after {@link Vcpu#kick()}. */
    Kicked KICKED = new Kicked();

    /**
     * A guest access to device memory (corresponds to KVM_EXIT_MMIO). The framework performs it on the VM's
     * {@link MmioBus}; for a read it then calls {@link Vcpu#completeMmioRead(long)} before the next run.
     *
     * @param address the guest physical address accessed
     * @param size    access size in bytes (1, 2, 4 or 8)
     * @param write   true for a store, false for a load
     * @param value   the stored value for a write; 0 for a read
     */
    record Mmio(GuestPhysicalAddress address, int size, boolean write, long value) implements Exit {
    }

    /**
     * The guest powered the machine off (KVM_EXIT_SYSTEM_EVENT / SHUTDOWN).
     *
     * @param status 0 for a clean power-off; otherwise the guest's failure code
     * @param reason how the guest asked, for example {@code PSCI SYSTEM_OFF}
     */
    record Shutdown(int status, String reason) implements Exit {
    }

    /** {@link Vcpu#run()} returned because of {@link Vcpu#kick()}; the guest is at an instruction boundary. */
    record Kicked() implements Exit {
    }

    /**
     * The model cannot continue this vCPU (corresponds to KVM_EXIT_INTERNAL_ERROR). The VM stops with the message;
     * the JVM and other VMs are not affected.
     *
     * @param message what the model could not do and where (addresses in hex)
     */
    record Failure(String message) implements Exit {
    }

    /** An architecture-specific exit; its class selects the {@link ExitHandler}. */
    non-sealed interface ArchExit extends Exit {
        /**
         * The exit class, the key for handler lookup and statistics.
         *
         * @return for example {@code HVC64} or {@code HV_PRIV}
         */
        String exitClass();
    }
}
