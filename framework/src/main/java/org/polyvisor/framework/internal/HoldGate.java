package org.polyvisor.framework.internal;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.polyvisor.api.VmException;
import org.polyvisor.api.VmState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VM's run state and the gate its vCPU threads pass at instruction boundaries. Pausing works through "hold
 * reasons": while any reason is held (a user pause, a missing architecture, missing exit handlers or extensions)
 * every vCPU thread parks at its next instruction boundary ({@link #checkpoint}); {@link #awaitParked} returns only
 * when all of them are parked, so the caller may then export state or close the machine safely.
 *
 * <p>An exit the VMM could not handle ({@code ExitAction.Halt}) is one more hold reason,
 * {@link #HOLD_ERROR}: the vCPUs park with their state kept and the VM shows {@link VmState#INTERNAL_ERROR} (before
 * any other reason: the user has to act) until {@code resume} releases it, as QEMU's {@code cont} leaves
 * RUN_STATE_INTERNAL_ERROR.
 *
 * <p>The VM's {@link VmClock} runs exactly while the state is {@link VmState#RUNNING}: every state change goes
 * through {@link #setState}, which stops or starts it (QEMU's vm_stop / vm_start).
 */
final class HoldGate {
    private static final Logger LOG = LoggerFactory.getLogger(HoldGate.class);
    static final long PAUSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final String HOLD_USER = "user pause";
    static final String HOLD_ERROR = "internal error";
    /**
     * The final pause of a live save: shown as PAUSED (the VM waits for nothing missing) and not counted among the
     * swap pauses.
     */
    static final String HOLD_LIVE_SAVE = "live save";

    private final int vmId;
    private final VmClock clock;
    private final Runnable kickAll;
    private final Object lock = new Object();
    private final Set<String> holds = new LinkedHashSet<>();
    private VmState state = VmState.CREATED;
    private int exitStatus = -1;
    private String error = "";
    /** Why the VM is held in INTERNAL_ERROR; empty otherwise. */
    private String haltReason = "";
    private boolean stopRequested;
    private int parked;
    private int liveRunners;
    private final SwapPauses swapPauses = new SwapPauses();

    /** Set by hold/stop; the runner loop's only per-iteration check. */
    volatile boolean requestPending;
    /** When a vCPU thread last left its checkpoint to run guest code (System.nanoTime), for pause-time figures. */
    volatile long lastResumeNanos;

    HoldGate(int vmId, VmClock clock, Runnable kickAll) {
        this.vmId = vmId;
        this.clock = clock;
        this.kickAll = kickAll;
    }

    /** Under the lock: the one place the state changes, so the guest clock runs exactly while RUNNING. */
    private void setState(VmState s) {
        state = s;
        if (s == VmState.RUNNING) {
            clock.start();
        } else {
            clock.stop();
        }
    }

    private boolean isLive() {
        return state == VmState.RUNNING || state == VmState.PAUSED || state == VmState.WAITING
                || state == VmState.INTERNAL_ERROR;
    }

    /** A CREATED VM starts with this many vCPU threads (they park at once while a reason is held). */
    void start(int runners) {
        synchronized (lock) {
            if (state != VmState.CREATED) {
                throw new VmException("VM " + vmId + " is " + state + "; only a CREATED VM can be started");
            }
            setState(stateForHolds());
            liveRunners = runners;
        }
    }

    /**
     * Adds a hold reason and kicks the vCPUs without waiting; {@link #awaitParked} waits. Lets a swap pause many VMs
     * at once instead of one after another.
     */
    void requestHold(String reason) {
        synchronized (lock) {
            if (!reason.equals(HOLD_USER) && !reason.equals(HOLD_LIVE_SAVE) && state == VmState.RUNNING) {
                swapPauses.begin();
            }
            holds.add(reason);
            requestPending = true;
            if (isLive()) {
                setState(stateForHolds());
            }
        }
        kickAll.run();
    }

    /** Waits until every vCPU thread (but the caller, if it is one) is parked, or the VM stops. */
    void awaitParked(String reason, BooleanSupplier callerIsRunner) {
        long deadline = System.nanoTime() + PAUSE_TIMEOUT_NANOS;
        int self = callerIsRunner.getAsBoolean() ? 1 : 0;
        synchronized (lock) {
            while (parked < liveRunners - self && !stopRequested) {
                kickAll.run();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new VmException("VM " + vmId + ": " + (liveRunners - parked)
                            + " vCPU(s) did not reach an instruction boundary within 10 s (" + reason + ")");
                }
                try {
                    // Re-kick every millisecond: a kick that raced with a vCPU entering run() is not lost.
                    lock.wait(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new VmException("VM " + vmId + ": interrupted while pausing");
                }
            }
        }
    }

    /**
     * An exit handler stopped the VM ({@code ExitAction.Halt}): the VM enters INTERNAL_ERROR and
     * every vCPU parks at its next boundary (the caller's runner at its next loop turn), state kept.
     */
    void halt(String reason) {
        synchronized (lock) {
            if (!isLive() || stopRequested) {
                return;
            }
            haltReason = reason;
            holds.add(HOLD_ERROR);
            requestPending = true;
            setState(stateForHolds());
        }
        LOG.error("VM {}: stopped in {}: {}", vmId, VmState.INTERNAL_ERROR, reason);
        kickAll.run();
    }

    /** Removes a hold reason; when none is left the vCPUs continue. */
    void release(String reason) {
        synchronized (lock) {
            holds.remove(reason);
            if (reason.equals(HOLD_ERROR)) {
                haltReason = "";
            }
            if (isLive()) {
                setState(stateForHolds());
            }
            if (holds.isEmpty() && !stopRequested) {
                requestPending = false;
            }
            lock.notifyAll();
        }
    }

    boolean isHeld(String reason) {
        synchronized (lock) {
            return holds.contains(reason);
        }
    }

    private VmState stateForHolds() {
        if (holds.isEmpty()) {
            return VmState.RUNNING;
        }
        if (holds.contains(HOLD_ERROR)) {
            return VmState.INTERNAL_ERROR;
        }
        for (String h : holds) {
            if (!h.equals(HOLD_USER) && !h.equals(HOLD_ERROR) && !h.equals(HOLD_LIVE_SAVE)) {
                return VmState.WAITING;
            }
        }
        return VmState.PAUSED;
    }

    /** Called by a runner when {@link #requestPending} is set. Returns false when the runner must end. */
    boolean checkpoint() {
        synchronized (lock) {
            parked++;
            lock.notifyAll();
            try {
                while (!stopRequested && !holds.isEmpty()) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                parked--;
            }
            lastResumeNanos = System.nanoTime();
            if (!stopRequested) {
                swapPauses.end(lastResumeNanos);
            }
            return !stopRequested;
        }
    }

    void runnerExited() {
        synchronized (lock) {
            liveRunners--;
            if (liveRunners == 0 && isLive()) {
                setState(VmState.STOPPED);
            }
            lock.notifyAll();
        }
    }

    /** The guest powered off; returns false if the VM had ended already. */
    boolean powerOff(int status, String reason) {
        synchronized (lock) {
            if (state == VmState.STOPPED || state == VmState.FAILED) {
                return false;
            }
            setState(VmState.STOPPED);
            exitStatus = status;
            LOG.info("VM {}: powered off with status {} ({})", vmId, status, reason);
        }
        requestStop();
        return true;
    }

    void fail(String message, Throwable cause) {
        synchronized (lock) {
            if (state == VmState.FAILED) {
                return;
            }
            setState(VmState.FAILED);
            error = message;
        }
        if (cause != null) {
            LOG.error("VM {} failed: {}", vmId, message, cause);
        } else {
            LOG.error("VM {} failed: {}", vmId, message);
        }
        requestStop();
    }

    /** Stops all vCPU threads (does not wait). */
    void requestStop() {
        synchronized (lock) {
            stopRequested = true;
            requestPending = true;
            if (state != VmState.FAILED && state != VmState.STOPPED) {
                setState(VmState.STOPPED);
            }
            lock.notifyAll();
        }
        kickAll.run();
    }

    /**
     * Waits until the VM has ended and its vCPU threads are gone, or it stopped in INTERNAL_ERROR with every vCPU
     * parked (nothing happens then until the user acts), or the timeout passes.
     */
    void awaitTermination(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lock) {
            while (!(state == VmState.INTERNAL_ERROR && parked == liveRunners)
                    && (state != VmState.STOPPED && state != VmState.FAILED || liveRunners > 0)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                lock.wait(left);
            }
        }
    }

    VmState state() {
        synchronized (lock) {
            return state;
        }
    }

    int exitStatus() {
        synchronized (lock) {
            return exitStatus;
        }
    }

    String error() {
        synchronized (lock) {
            return state == VmState.INTERNAL_ERROR ? haltReason : error;
        }
    }

    /** The hold reasons other than a user pause, comma-separated (what the VM waits for). */
    String waitingFor() {
        synchronized (lock) {
            return String.join(", ", holds.stream().filter(h -> !h.equals(HOLD_USER) && !h.equals(HOLD_ERROR)).toList());
        }
    }

    void setError(String message) {
        synchronized (lock) {
            error = message;
        }
    }

    /** The pauses of the last swaps (up to 64), in nanoseconds, oldest first. */
    long[] swapPauses() {
        synchronized (lock) {
            return swapPauses.recent();
        }
    }
}
