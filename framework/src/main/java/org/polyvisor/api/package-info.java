/**
 * Polyvisor API for callers: create and control VMs of any installed architecture.
 * Implemented by the framework bundle ({@code @ProviderType}); callers only consume it.
 */
@org.osgi.annotation.bundle.Export
// 1.1: VmState.INTERNAL_ERROR (resume continues it); 1.2: VmManager.saveLive, LiveSaveResult
@org.osgi.annotation.versioning.Version("1.2.0")
package org.polyvisor.api;
