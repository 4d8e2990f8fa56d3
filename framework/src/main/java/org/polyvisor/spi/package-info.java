/**
 * Polyvisor SPI for architecture and feature plugins: an {@link org.polyvisor.spi.Architecture} creates a
 * {@link org.polyvisor.spi.Machine} with {@link org.polyvisor.spi.Vcpu}s; vCPUs run until an {@link org.polyvisor.spi.Exit};
 * architecture-specific exits go to {@link org.polyvisor.spi.ExitHandler} whiteboard services, and
 * {@link org.polyvisor.spi.ExitObserver}s see them without handling them. Types plugins
 * implement are {@code @ConsumerType}; types the framework implements are {@code @ProviderType}.
 */
@org.osgi.annotation.bundle.Export
// 2.0: Vcpu.mmu, Mmu, Translation, FaultKind, AccessType, Feature and MachineContext.exitCounter removed;
// GuestClock (MachineContext.clock), MachineContext.resolvedExitCounter, ArchOption and ArchCapabilities.elfMachine
// added (1.1: MachineContext.requestRebuild); 2.1: ExitAction.Halt;
// 2.2: DirtyLog, Machine.dirtyLog; 2.3: ExitObserver, ArchCapabilities.DIRTY_LOG
@org.osgi.annotation.versioning.Version("2.3.0")
package org.polyvisor.spi;
