package org.polyvisor.arm64.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.polyvisor.testkit.Await;

/** Waits on a vCPU thread that blocks (a WFI, a powered-off vCPU), on the test kit's {@link Await}. */
public final class Blocking {
    /** Generous: the machine is shared; a wait that needs this long has failed. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Blocking() {
    }

    /** Whether the thread is parked or waiting (a blocked WFI, a powered-off vCPU), not running or runnable. */
    public static boolean blocked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /** Waits until the thread that {@code ref} will name exists and is blocked. */
    public static Thread untilBlocked(String what, AtomicReference<Thread> ref) {
        Await.until(what + " blocks", () -> ref.get() != null && blocked(ref.get()), TIMEOUT,
                () -> ref.get() == null ? "the thread has not started" : "thread state " + ref.get().getState());
        return ref.get();
    }
}
