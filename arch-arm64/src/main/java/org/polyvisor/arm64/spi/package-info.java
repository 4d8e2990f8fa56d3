/**
 * Extension points of the AArch64 architecture bundle: the stage-2 translation hook that a hypervisor feature
 * supplies, and system-register contribution tables.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package org.polyvisor.arm64.spi;
