/**
 * Extension points of the AArch64 architecture bundle: the per-VM stage-2 configuration a hypervisor feature chooses
 * ({@link org.polyvisor.arm64.spi.Stage2Configurator}, since 0.4.0), the older stage-2 translation hook,
 * system-register contribution tables, world-switch participants (feature bundles that save and restore their own
 * host and guest state at defined points of the hypervisor's world switch), and the PE's sampling hook
 * ({@link org.polyvisor.arm64.spi.SamplingHook}, since 0.4.0) on which a feature builds a statistical profiling unit.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.4.0")
package org.polyvisor.arm64.spi;
