package org.polyvisor.spi;

/** What the framework does after an exit handler returns. */
public sealed interface ExitAction {
    /** The shared instance handlers return to continue the vCPU, so the exit path allocates nothing. */
    Resume RESUME = new Resume();

    /** Continue running the vCPU. */
    record Resume() implements ExitAction {
    }

    /**
     * The guest powered off (for example PSCI SYSTEM_OFF): stop the whole VM with this status.
     *
     * @param status 0 for a clean power-off; otherwise the guest's failure code
     */
    record PowerOff(int status) implements ExitAction {
    }

    /**
     * Stop the VM as FAILED.
     *
     * @param message what went wrong and where, shown to the user
     */
    record Fail(String message) implements ExitAction {
    }

    /**
     * Stop the VM in {@code VmState.INTERNAL_ERROR}, its state kept, as QEMU does with
     * vm_stop(RUN_STATE_INTERNAL_ERROR) on an exit it cannot handle; {@code resume} re-enters the vCPU where it
     * stopped. The vCPU must be resumable as it is (for example with an interrupt already queued for the guest).
     *
     * @param reason what stopped it and where (shown by {@code pv:list}), for example the hardware exit reason and
     *               the failing instruction in hex
     */
    record Halt(String reason) implements ExitAction {
    }
}
