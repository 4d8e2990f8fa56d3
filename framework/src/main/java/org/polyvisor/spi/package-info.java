/**
 * Polyvisor SPI for architecture and feature plugins: an {@link org.polyvisor.spi.Architecture} creates a
 * {@link org.polyvisor.spi.Machine} with {@link org.polyvisor.spi.Vcpu}s; vCPUs run until an {@link org.polyvisor.spi.Exit};
 * architecture-specific exits go to {@link org.polyvisor.spi.ExitHandler} whiteboard services. Types plugins
 * implement are {@code @ConsumerType}; types the framework implements are {@code @ProviderType}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0") // 1.1: MachineContext.requestRebuild
package org.polyvisor.spi;
