package org.polyvisor.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service that sees every architecture exit of every VM without handling it: tracers, profilers,
 * statistics. Unlike an {@link ExitHandler} it cannot change what the guest sees; the exit is handled by the handler
 * its class selects, exactly as without observers (the arm64 PSCI calls a tracer sees are still answered by PSCI).
 * Observers are called in registration order, on the vCPU thread, around the handler: {@link #exitEntered} before it
 * (the guest's arguments are still in its registers), {@link #exitHandled} after it (the results are). Generic exits
 * (MMIO, shutdown, kicks) and exits an architecture resolves inside its run loop are not observed.
 *
 * <p>Rules: return quickly and do not block (the vCPU waits); do not write guest state; keep per-VM data keyed by
 * {@link ExitContext#vmId()}. An observer that throws is removed from the VM manager (the VM continues, one warning
 * is logged). Registering or removing an observer never pauses a VM; a call already under way when the observer is
 * removed still finishes.
 */
@ConsumerType
public interface ExitObserver {
    /**
     * Called before the exit's handler runs.
     *
     * @param context the VM, vCPU and machine of the exit (the vCPU's registers hold the guest's arguments)
     * @param exit    the exit
     */
    void exitEntered(ExitContext context, Exit.ArchExit exit);

    /**
     * Called after the exit's handler returned.
     *
     * @param context      the same context as in {@link #exitEntered}
     * @param exit         the exit
     * @param action       what the handler decided
     * @param handlerNanos how long the handler ran, in host nanoseconds (the observers' own time not included)
     */
    void exitHandled(ExitContext context, Exit.ArchExit exit, ExitAction action, long handlerNanos);
}
