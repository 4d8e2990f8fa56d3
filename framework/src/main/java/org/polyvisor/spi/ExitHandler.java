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
    String ARCH = "polyvisor.arch";
    String EXIT_CLASS = "polyvisor.exit";

    /** Handles the exit on the vCPU thread. Must not block for long; must not throw for guest-caused conditions. */
    ExitAction handle(ExitContext context, Exit.ArchExit exit);
}
