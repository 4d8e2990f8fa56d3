package org.polyvisor.spi;

/**
 * A feature plugin (SPE, per-VM stage 2, a device, third-party extensions) registered as a service with the property
 * {@value #PROPERTY} = its id. Architecture-specific extension points (system registers, world-switch participants)
 * live in the architecture bundle's own SPI; this neutral interface lets the shell list features and lets the
 * framework treat their disappearance like an architecture swap.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Feature {
    String PROPERTY = "polyvisor.feature";

    String id();

    /** Architecture id this feature plugs into. */
    String arch();

    ArchCapabilities capabilities();
}
