package org.polyvisor.framework.internal;

import jakarta.inject.Singleton;

import dagger.Component;

/**
 * The framework bundle's object graph (Dagger). Declarative Services owns service registration and life cycle;
 * Dagger wires the objects behind the services - the VM registry, the architecture registry, the exit dispatcher,
 * the swap lock, the swap coordinator, extension swaps, snapshots and the VM factory, one of each per graph - so each
 * class states its dependencies in its constructor and none builds another by hand.
 */
@Singleton
@Component
interface FrameworkGraph {
    VmManagerImpl vmManager();
}
