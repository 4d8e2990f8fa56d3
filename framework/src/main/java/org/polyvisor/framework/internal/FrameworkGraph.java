package org.polyvisor.framework.internal;

import jakarta.inject.Singleton;

/**
 * The framework bundle's object graph (Dagger). Declarative Services owns service registration and life cycle;
 * Dagger wires the objects behind the services, so each class states its dependencies in its constructor.
 */
@Singleton
@dagger.Component
interface FrameworkGraph {
    VmManagerImpl vmManager();
}
