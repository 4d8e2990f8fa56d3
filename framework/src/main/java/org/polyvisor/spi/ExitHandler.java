package org.polyvisor.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service handling one or more exit classes of one architecture. Register with the properties
 * {@value #ARCH} (architecture id) and {@value #EXIT_CLASS} (one or more exit class names); when several handlers
 * claim the same class, the highest {@code service.ranking} wins. An exit that no handler claims stops its VM with
 * an error naming the exit class; it is never silently resumed.
 */
@ConsumerType
public interface ExitHandler {
    /** Service property: the architecture id whose exits the handler takes. */
    String ARCH = "polyvisor.arch";
    /** Service property: the exit class name, or several as a String array. */
    String EXIT_CLASS = "polyvisor.exit";

    /**
     * Handles the exit on the vCPU thread. Must not block for long; must not throw for guest-caused conditions.
     *
     * @param context the VM, vCPU and machine of the exit
     * @param exit    the exit, of one of the classes the handler registered for
     * @return what the framework does next
     */
    ExitAction handle(ExitContext context, Exit.ArchExit exit);
}
