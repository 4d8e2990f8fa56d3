package org.polyvisor.spi;

import java.util.concurrent.atomic.LongAdder;

import org.osgi.annotation.versioning.ProviderType;
import org.polyvisor.api.VmConfig;
import org.polyvisor.memory.GuestMemory;

/** What the framework gives an architecture to build a machine with. Everything here outlives a bundle swap. */
@ProviderType
public interface MachineContext {
    /**
     * The VM the machine is built for.
     *
     * @return the VM id
     */
    int vmId();

    /**
     * The VM's configuration, with the architecture options to validate.
     *
     * @return the configuration
     */
    VmConfig config();

    /**
     * The VM's RAM; slots are added by the architecture's machine (where the memory map puts RAM). The memory outlives
     * machines: a machine created for a running VM after a swap finds the slots there already and declares them again
     * with the same parameters, which keeps their contents.
     *
     * @return the VM's guest memory
     */
    GuestMemory memory();

    /**
     * The VM's device bus; the machine maps its devices here. Cleared when the machine is closed.
     *
     * @return the bus
     */
    MmioBus mmio();

    /**
     * The guest console, for the machine's UART.
     *
     * @return the console
     */
    ConsoleSink console();

    /**
     * The VM's guest clock: guest virtual time, which stands still while the VM is paused, held for a swap, waiting
     * for a bundle or stopped (see {@link GuestClock}). Architectures derive their guest-visible counters and timer
     * deadlines from it. The default (for contexts without a VM manager, such as unit-test harnesses) is
     * {@link GuestClock#HOST}, which always runs.
     *
     * @return the VM's clock
     */
    default GuestClock clock() {
        return GuestClock.HOST;
    }

    /**
     * The counter behind {@code pv:exits} for one class of exits the architecture resolves inside {@link Vcpu#run()}
     * without returning them to the framework (interrupts taken by the hypervisor, stage 2 faults, trapped system
     * registers, guest TLB writes). {@code pv:exits} lists these apart from the exits {@link Vcpu#run()} returns,
     * which the framework counts itself. Get it once and keep it: incrementing it is the whole cost on the exit path.
     * It outlives machines (swaps keep the counts). The default (for contexts that keep no statistics, such as
     * unit-test harnesses) counts nowhere.
     *
     * @param exitClass the name {@code pv:exits} lists, for example {@code IRQ} or {@code DABT_LOW}
     * @return the counter to increment
     */
    default LongAdder resolvedExitCounter(String exitClass) {
        return new LongAdder();
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
     *
     * @param reason what changed, shown while the VM waits and in the log
     */
    default void requestRebuild(String reason) {
    }
}
