/**
 * Guest memory: KVM-style slots backed by lazily allocated off-heap segments. Owned by the framework, so it survives
 * any architecture bundle swap untouched.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.polyvisor.memory;
