package org.polyvisor.spi;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets a vCPU thread sleep (WFI, powered-off secondary) without busy spinning until another thread signals it
 * (interrupt, kick, PSCI CPU_ON) or a deadline passes. One waiter: the vCPU's own thread.
 */
public final class WakeSignal {
    private volatile Thread waiter;
    private volatile boolean signalled;

    /** A signal nobody has raised yet. */
    public WakeSignal() {
        // both fields start cleared
    }

    /** Wakes the waiter, or makes its next {@link #await} return at once. Any thread. */
    public void signal() {
        signalled = true;
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Waits until signalled or until {@link System#nanoTime()} reaches {@code deadlineNanos} (use
     * {@link Long#MAX_VALUE} for no deadline). Clears the signal. An interrupt of the waiting thread also ends the
     * wait.
     *
     * @param deadlineNanos a {@link System#nanoTime()} value, or {@link Long#MAX_VALUE}
     * @return true if signalled, false on the deadline or an interrupt
     */
    public boolean await(long deadlineNanos) {
        waiter = Thread.currentThread();
        try {
            while (!signalled) {
                if (deadlineNanos == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(this, left);
                }
                if (Thread.currentThread().isInterrupted() && !signalled) {
                    return false;
                }
            }
            // Only a consumed signal is cleared: one that arrives after a timeout stays for the next await.
            signalled = false;
            return true;
        } finally {
            waiter = null;
        }
    }

    /**
     * Whether a signal is waiting to be consumed by {@link #await}; lets a run loop check without sleeping.
     *
     * @return true if signalled since the last successful await
     */
    public boolean isSignalled() {
        return signalled;
    }
}
