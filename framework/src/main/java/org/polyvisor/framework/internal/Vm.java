package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ConsoleSink;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.MmioBus;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VM: the framework-owned parts (memory, bus, console, statistics) that survive a swap, the current machine from
 * the current architecture, and the vCPU threads.
 *
 * <p>Pausing works through "hold reasons": while any reason is held (a user pause, a missing architecture, missing
 * exit handlers) every vCPU thread parks at its next instruction boundary ({@link #checkpoint}). {@link #hold}
 * returns only when all threads are parked, so the caller may then export state or close the machine safely.
 */
final class Vm implements MachineContext {
    private static final Logger LOG = LoggerFactory.getLogger(Vm.class);
    static final long PAUSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    static final String HOLD_USER = "user pause";

    final int id;
    final VmConfig config;
    final GuestMemory memory = new GuestMemory();
    final MmioBusImpl bus;
    final ConsoleBuffer console = new ConsoleBuffer();
    final ExitStatistics stats = new ExitStatistics();

    private final Object lock = new Object();
    private final Set<String> holds = new LinkedHashSet<>();
    private VmState state = VmState.CREATED;
    private int exitStatus = -1;
    private String error = "";
    private boolean stopRequested;
    private int parked;
    private int liveRunners;
    private final List<VcpuRunner> runners = new ArrayList<>();

    /** When a vCPU thread last left its checkpoint to run guest code (System.nanoTime), for pause-time figures. */
    volatile long lastResumeNanos;

    /** When the current swap hold began (0: none); the pause ends when the first vCPU runs guest code again. */
    private long swapHoldStartNanos;
    private final long[] swapPauses = new long[64];
    private int swapPauseCount;

    /** Set by hold/stop; the runner loop's only per-iteration check. */
    volatile boolean requestPending;
    private volatile Architecture architecture;
    private final VmManagerImpl manager;
    private volatile Machine machine;

    /** Attached extensions by id, and the state of those that are away. */
    private final java.util.Map<String, org.polyvisor.spi.VmExtension.Attachment> attachments =
            new java.util.TreeMap<>();
    private final java.util.Map<String, StateSnapshot> savedExtensions = new java.util.TreeMap<>();
    /** Which service instance each attachment came from (two revisions of a bundle may offer the same id). */
    private final java.util.Map<String, org.polyvisor.spi.VmExtension> extensionProviders = new java.util.HashMap<>();

    /** State kept while the architecture is away (or a replacement refused it). */
    private StateSnapshot savedMachine;
    private StateSnapshot[] savedVcpus;

    Vm(int id, VmConfig config, VmManagerImpl manager) {
        this.id = id;
        this.config = config;
        this.manager = manager;
        this.bus = new MmioBusImpl(id, memory);
    }

    @Override
    public void requestRebuild(String reason) {
        manager.rebuild(this, reason);
    }

    // ---- MachineContext ----
    @Override
    public int vmId() {
        return id;
    }

    @Override
    public VmConfig config() {
        return config;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public MmioBus mmio() {
        return bus;
    }

    @Override
    public ConsoleSink console() {
        return console;
    }

    @Override
    public java.util.concurrent.atomic.LongAdder exitCounter(String exitClass) {
        return stats.counter(exitClass);
    }

    // ---- machine binding ----
    Machine machine() {
        return machine;
    }

    Architecture architecture() {
        return architecture;
    }

    /** The class loader of the current architecture implementation (null while the VM waits for one). */
    ClassLoader architectureLoader() {
        Architecture a = architecture;
        return a == null ? null : a.getClass().getClassLoader();
    }

    void bind(Architecture arch, Machine m) {
        this.architecture = arch;
        this.machine = m;
    }

    private java.util.Set<String> attachmentIds() {
        synchronized (lock) {
            return new java.util.TreeSet<>(attachments.keySet());
        }
    }

    boolean hasSavedState() {
        synchronized (lock) {
            return savedMachine != null;
        }
    }

    // ---- extensions ----

    void attachExtension(org.polyvisor.spi.VmExtension ext) {
        org.polyvisor.spi.VmExtension.Attachment a = ext.attach(this);
        StateSnapshot saved;
        synchronized (lock) {
            saved = savedExtensions.get(ext.id());
        }
        if (saved != null) {
            try {
                a.importState(saved);
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
        }
        synchronized (lock) {
            savedExtensions.remove(ext.id());
            attachments.put(ext.id(), a);
            extensionProviders.put(ext.id(), ext);
        }
    }

    /** The extension service instance attached under its id, or null. */
    org.polyvisor.spi.VmExtension attachedExtension(String id) {
        synchronized (lock) {
            return extensionProviders.get(id);
        }
    }

    /** With all vCPUs parked: exports the extension's state through the old code and closes the attachment. */
    void detachExtension(String id) {
        org.polyvisor.spi.VmExtension.Attachment a;
        synchronized (lock) {
            a = attachments.remove(id);
            extensionProviders.remove(id);
        }
        if (a == null) {
            return;
        }
        StateSnapshot s = a.exportState();
        synchronized (lock) {
            savedExtensions.put(id, s);
        }
        try {
            a.close();
        } catch (RuntimeException e) {
            LOG.warn("VM {}: closing extension {} failed: {}", id, this.id, e.toString());
        }
    }

    /** State of every extension of this VM (attached ones exported now, absent ones as saved). VM paused. */
    java.util.Map<String, StateSnapshot> exportExtensions() {
        synchronized (lock) {
            java.util.Map<String, StateSnapshot> out = new java.util.TreeMap<>(savedExtensions);
            attachments.forEach((id, a) -> out.put(id, a.exportState()));
            return out;
        }
    }

    /** Stores an extension's state to be imported when the extension attaches (restore from a snapshot). */
    void saveExtensionState(String id, StateSnapshot state) {
        synchronized (lock) {
            savedExtensions.put(id, state);
        }
    }

    boolean hasExtension(String id) {
        synchronized (lock) {
            return attachments.containsKey(id);
        }
    }

    boolean waitsForExtension(String id) {
        synchronized (lock) {
            return savedExtensions.containsKey(id);
        }
    }

    java.util.Set<String> extensionIds() {
        synchronized (lock) {
            java.util.Set<String> ids = new java.util.TreeSet<>(attachments.keySet());
            ids.addAll(savedExtensions.keySet());
            return ids;
        }
    }

    /**
     * With all vCPUs parked: exports state through the old implementation, closes the old machine, and waits for a
     * replacement. Guest memory and console stay. Extensions are detached too (the bus is emptied) and re-attached
     * by {@link #attach}.
     */
    void detach(String reason) {
        Machine m = machine;
        if (m == null) {
            return;
        }
        for (String ext : new java.util.ArrayList<>(attachmentIds())) {
            detachExtension(ext);
        }
        StateSnapshot ms = m.exportState();
        StateSnapshot[] vs = new StateSnapshot[m.vcpuCount()];
        for (int i = 0; i < vs.length; i++) {
            vs[i] = m.vcpu(i).exportState();
        }
        synchronized (lock) {
            savedMachine = ms;
            savedVcpus = vs;
        }
        machine = null;
        architecture = null;
        try {
            m.close();
        } catch (RuntimeException e) {
            LOG.warn("VM {}: closing the old machine failed: {}", id, e.toString());
        }
        bus.clear();
        LOG.debug("VM {}: state exported ({}); waiting for {}", id, ms, reason);
    }

    /** Imports the saved state into a new machine; on failure closes it, keeps the state and rethrows. */
    void attach(Architecture arch) {
        StateSnapshot ms;
        StateSnapshot[] vs;
        synchronized (lock) {
            ms = savedMachine;
            vs = savedVcpus;
        }
        if (ms == null) {
            return;
        }
        Machine m = arch.createMachine(this);
        try {
            if (m.vcpuCount() != vs.length) {
                throw new VmException("replacement machine has " + m.vcpuCount() + " vCPUs, the state has " + vs.length);
            }
            m.importState(ms);
            for (int i = 0; i < vs.length; i++) {
                m.vcpu(i).importState(vs[i]);
            }
        } catch (RuntimeException e) {
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // the import failure is what matters
            }
            bus.clear();
            throw e;
        }
        synchronized (lock) {
            savedMachine = null;
            savedVcpus = null;
            error = "";
        }
        bind(arch, m);
        LOG.debug("VM {}: state imported into {}", id, arch.getClass().getName());
    }

    // ---- life cycle ----
    void start(VmManagerImpl manager) {
        synchronized (lock) {
            if (state != VmState.CREATED) {
                throw new VmException("VM " + id + " is " + state + "; only a CREATED VM can be started");
            }
            state = holds.isEmpty() ? VmState.RUNNING : stateForHolds();
            // A VM whose architecture is away may still be started: its threads park until the machine is back.
            for (int i = 0; i < config.vcpus(); i++) {
                runners.add(new VcpuRunner(this, i, manager));
            }
            liveRunners = runners.size();
        }
        for (VcpuRunner r : runners) {
            r.start();
        }
    }

    /** Adds a hold reason and waits until every vCPU thread is parked at an instruction boundary. */
    void hold(String reason) {
        requestHold(reason);
        awaitParked(reason);
    }

    /**
     * Adds a hold reason and kicks the vCPUs without waiting; {@link #awaitParked} waits. Lets a swap pause many VMs
     * at once instead of one after another.
     */
    void requestHold(String reason) {
        synchronized (lock) {
            if (!reason.equals(HOLD_USER) && swapHoldStartNanos == 0 && state == VmState.RUNNING) {
                swapHoldStartNanos = System.nanoTime();
            }
            holds.add(reason);
            requestPending = true;
            if (state == VmState.RUNNING || state == VmState.PAUSED || state == VmState.WAITING) {
                state = stateForHolds();
            }
        }
        kickAll();
    }

    void awaitParked(String reason) {
        long deadline = System.nanoTime() + PAUSE_TIMEOUT_NANOS;
        synchronized (lock) {
            while (parked < liveRunners - (isRunnerThread() ? 1 : 0) && !stopRequested) {
                kickAll();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new VmException("VM " + id + ": " + (liveRunners - parked)
                            + " vCPU(s) did not reach an instruction boundary within 10 s (" + reason + ")");
                }
                try {
                    // Re-kick every millisecond: a kick that raced with a vCPU entering run() is not lost.
                    lock.wait(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new VmException("VM " + id + ": interrupted while pausing");
                }
            }
        }
    }

    private boolean isRunnerThread() {
        for (VcpuRunner r : runners) {
            if (r.thread() == Thread.currentThread()) {
                return true;
            }
        }
        return false;
    }

    /** Removes a hold reason; when none is left the vCPUs continue. */
    void release(String reason) {
        synchronized (lock) {
            holds.remove(reason);
            if (state == VmState.RUNNING || state == VmState.PAUSED || state == VmState.WAITING) {
                state = stateForHolds();
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
        for (String h : holds) {
            if (!h.equals(HOLD_USER)) {
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
            if (swapHoldStartNanos != 0 && !stopRequested) {
                swapPauses[swapPauseCount++ % swapPauses.length] = lastResumeNanos - swapHoldStartNanos;
                swapHoldStartNanos = 0;
            }
            return !stopRequested;
        }
    }

    void runnerExited() {
        synchronized (lock) {
            liveRunners--;
            if (liveRunners == 0 && (state == VmState.RUNNING || state == VmState.PAUSED || state == VmState.WAITING)) {
                state = VmState.STOPPED;
            }
            lock.notifyAll();
        }
    }

    void powerOff(int status, String reason) {
        synchronized (lock) {
            if (state == VmState.STOPPED || state == VmState.FAILED) {
                return;
            }
            state = VmState.STOPPED;
            exitStatus = status;
            LOG.info("VM {}: powered off with status {} ({})", id, status, reason);
        }
        requestStop();
    }

    void fail(String message, Throwable cause) {
        synchronized (lock) {
            if (state == VmState.FAILED) {
                return;
            }
            state = VmState.FAILED;
            error = message;
        }
        if (cause != null) {
            LOG.error("VM {} failed: {}", id, message, cause);
        } else {
            LOG.error("VM {} failed: {}", id, message);
        }
        requestStop();
    }

    /** Stops all vCPU threads (does not wait). */
    void requestStop() {
        synchronized (lock) {
            stopRequested = true;
            requestPending = true;
            if (state != VmState.FAILED && state != VmState.STOPPED) {
                state = VmState.STOPPED;
            }
            lock.notifyAll();
        }
        kickAll();
    }

    void joinRunners(long millis) {
        for (VcpuRunner r : runners) {
            r.join(millis);
        }
    }

    private void kickAll() {
        Machine m = machine;
        if (m != null) {
            for (int i = 0; i < m.vcpuCount(); i++) {
                m.vcpu(i).kick();
            }
        }
    }

    VmInfo awaitTermination(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lock) {
            while (state != VmState.STOPPED && state != VmState.FAILED || liveRunners > 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                lock.wait(left);
            }
        }
        return info();
    }

    VmState state() {
        synchronized (lock) {
            return state;
        }
    }

    VmInfo info() {
        synchronized (lock) {
            String waiting = String.join(", ", holds.stream().filter(h -> !h.equals(HOLD_USER)).toList());
            return new VmInfo(id, config.name(), config.arch(), state, config.vcpus(), config.memoryBytes(),
                    memory.residentBytes(), exitStatus, waiting, error);
        }
    }

    /** The pauses of the last swaps (up to 64), in nanoseconds, oldest first. */
    long[] swapPauses() {
        synchronized (lock) {
            int n = Math.min(swapPauseCount, swapPauses.length);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = swapPauses[(swapPauseCount - n + i) % swapPauses.length];
            }
            return out;
        }
    }

    void setError(String message) {
        synchronized (lock) {
            error = message;
        }
    }

    List<Map<String, Long>> registers() {
        Machine m = machine;
        VmState s = state();
        if (m == null || s == VmState.RUNNING) {
            throw new VmException("VM " + id + " is " + s + (m == null ? " without a machine" : "")
                    + ": pause it first to read registers");
        }
        List<Map<String, Long>> out = new ArrayList<>();
        for (int i = 0; i < m.vcpuCount(); i++) {
            out.add(m.vcpu(i).registers());
        }
        return out;
    }

    Vcpu vcpu(int index) {
        Machine m = machine;
        return m == null ? null : m.vcpu(index);
    }
}
