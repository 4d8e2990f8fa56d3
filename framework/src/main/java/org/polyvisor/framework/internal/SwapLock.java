package org.polyvisor.framework.internal;

import java.util.concurrent.locks.ReentrantLock;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * One service change at a time: the lock {@link SwapCoordinator} and {@link ExtensionSwaps} share, so the
 * hold/export/import sequences of two swaps (a Felix update during a pv:swap, two DS threads) never interleave.
 * Reentrant because an unregistration may hand its VMs to another registered implementation at once.
 */
@Singleton
final class SwapLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    @Inject
    SwapLock() {
    }
}
