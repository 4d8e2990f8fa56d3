/**
 * Extension points of the AArch64 architecture bundle: the stage-2 translation hook that a hypervisor feature
 * supplies, system-register contribution tables, and world-switch participants (feature bundles that save and restore
 * their own host and guest state at defined points of the hypervisor's world switch).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.3.0")
package org.polyvisor.arm64.spi;
