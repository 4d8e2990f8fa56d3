package org.polyvisor.spi;

import org.polyvisor.api.VmConfig;
import org.polyvisor.memory.GuestMemory;

/** What the framework gives an architecture to build a machine with. Everything here outlives a bundle swap. */
@org.osgi.annotation.versioning.ProviderType
public interface MachineContext {
    int vmId();

    VmConfig config();

    /**
     * The VM's RAM; slots are added by the architecture's machine (where the memory map puts RAM). The memory outlives
     * machines: a machine created for a running VM after a swap finds the slots there already and declares them again
     * with the same parameters, which keeps their contents.
     */
    GuestMemory memory();

    /** The VM's device bus; the machine maps its devices here. Cleared when the machine is closed. */
    MmioBus mmio();

    /** The guest console (the UART's transmit side). */
    ConsoleSink console();

    /**
     * The counter behind {@code pv:exits} for one exit class, for exits the architecture resolves inside
     * {@link Vcpu#run()} without returning them (trapped system registers, WFI, guest TLB writes). Get it once and
     * keep it: incrementing it is the whole cost on the exit path. It outlives machines (swaps keep the counts).
     * The default (for contexts that keep no statistics, such as unit-test harnesses) counts nowhere.
     */
    default java.util.concurrent.atomic.LongAdder exitCounter(String exitClass) {
        return new java.util.concurrent.atomic.LongAdder();
    }
}
