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

    /**
     * Asks the framework to build this VM's machine again, because what the architecture builds machines from has
     * changed (a feature's system registers came, went or were replaced by another bundle revision): the VM is
     * paused at an instruction boundary, its state exported through the current machine, the machine closed, and a
     * new one created by the architecture's {@link Architecture#createMachine} and given the state. A machine that
     * refuses the state ({@link StateIncompatibleException}: it needs a feature that is not installed) leaves the VM
     * waiting with the error and its state kept; the next request for it, or a new implementation of the
     * architecture, tries again. A VM that is waiting already is simply tried again.
     *
     * <p>Call it from the service callback where the change happens (while a departing contribution still works),
     * never from one of this VM's vCPU threads. Contexts without a VM manager (unit-test harnesses) ignore it.
     */
    default void requestRebuild(String reason) {
    }
}
