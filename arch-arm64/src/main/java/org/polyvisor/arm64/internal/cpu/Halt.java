package org.polyvisor.arm64.internal.cpu;

/**
 * Why the PE stopped executing guest instructions ({@link Cpu#halt}). The hardware only records; the hypervisor layer
 * reads the recorded state and decides what the stop means.
 */
public final class Halt {
    /** Running, or stopped at a block boundary because the run loop asked (an IRQ exit in KVM's words). */
    public static final int NONE = 0;
    /**
     * A synchronous exception was taken to EL2: ESR_EL2, FAR_EL2, HPFAR_EL2 and ELR_EL2 hold its syndrome, fault
     * addresses and preferred return address (ARM ARM, "Exception entry").
     */
    public static final int EL2_EXCEPTION = 1;

    private Halt() {
    }
}
