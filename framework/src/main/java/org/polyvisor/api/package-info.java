/**
 * Polyvisor API for callers: create and control VMs of any installed architecture.
 * Implemented by the framework bundle ({@code @ProviderType}); callers only consume it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.polyvisor.api;
