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
     */
    record Mmio(GuestPhysicalAddress address, int size, boolean write, long value) implements Exit {
    }

    /** The guest powered the machine off (KVM_EXIT_SYSTEM_EVENT / SHUTDOWN); status 0 is a clean power-off. */
    record Shutdown(int status, String reason) implements Exit {
    }

    /** {@link Vcpu#run()} returned because of {@link Vcpu#kick()}; the guest is at an instruction boundary. */
    record Kicked() implements Exit {
    }

    /**
     * The model cannot continue this vCPU (corresponds to KVM_EXIT_INTERNAL_ERROR). The VM stops with the message;
     * the JVM and other VMs are not affected.
     */
    record Failure(String message) implements Exit {
    }

    /** An architecture-specific exit; its class selects the {@link ExitHandler}. */
    non-sealed interface ArchExit extends Exit {
        /** The exit class, for example {@code HVC64} or {@code HV_PRIV}; the key for handler lookup and statistics. */
        String exitClass();
    }
}
