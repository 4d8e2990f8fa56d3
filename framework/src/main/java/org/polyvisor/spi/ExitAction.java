package org.polyvisor.spi;

/** What the framework does after an exit handler returns. */
public sealed interface ExitAction {
    Resume RESUME = new Resume();

    /** Continue running the vCPU. */
    record Resume() implements ExitAction {
    }

    /** The guest powered off (for example PSCI SYSTEM_OFF): stop the whole VM with this status. */
    record PowerOff(int status) implements ExitAction {
    }

    /** Stop the VM with an error message saying what and where. */
    record Fail(String message) implements ExitAction {
    }
}
