package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ConsoleSink;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.MmioBus;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VM, and the {@link MachineContext} its architecture builds machines with: the framework-owned parts that
 * survive a swap (memory, bus, console, statistics, guest clock, extensions), the current machine from the current
 * architecture, and the vCPU threads. Pausing is the {@link HoldGate}'s job, extension bookkeeping
 * {@link VmExtensions}'s.
 */
final class Vm implements MachineContext {
    private static final Logger LOG = LoggerFactory.getLogger(Vm.class);

    final int id;
    final VmConfig config;
    final GuestMemory memory = new GuestMemory();
    final MmioBusImpl bus;
    final ConsoleBuffer console = new ConsoleBuffer();
    final ExitStatistics stats = new ExitStatistics();
    final VmClock clock = new VmClock();
    final HoldGate gate;
    final VmExtensions extensions;

    private final BiConsumer<Vm, String> rebuilder;
    private final List<VcpuRunner> runners = new ArrayList<>();
    private volatile Architecture architecture;
    private volatile Machine machine;

    /** State kept while the architecture is away (or a replacement refused it); guarded by {@code this}. */
    private StateSnapshot savedMachine;
    private StateSnapshot[] savedVcpus;

    /** @param rebuilder what {@link #requestRebuild} asks (the swap coordinator) */
    Vm(int id, VmConfig config, BiConsumer<Vm, String> rebuilder) {
        this.id = id;
        this.config = config;
        this.rebuilder = rebuilder;
        this.bus = new MmioBusImpl(id, memory);
        this.gate = new HoldGate(id, clock, this::kickAll);
        this.extensions = new VmExtensions(id);
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
    public GuestClock clock() {
        return clock;
    }

    @Override
    public LongAdder resolvedExitCounter(String exitClass) {
        return stats.resolvedCounter(exitClass);
    }

    @Override
    public void requestRebuild(String reason) {
        rebuilder.accept(this, reason);
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

    synchronized boolean hasSavedState() {
        return savedMachine != null;
    }

    /**
     * With all vCPUs parked: exports state through the old implementation, closes the old machine, and waits for a
     * replacement. Guest memory, console and clock stay. Extensions are detached too (the bus is emptied) and
     * re-attached by the swap coordinator after {@link #attach}.
     */
    void detach(String reason) {
        Machine m = machine;
        if (m == null) {
            return;
        }
        extensions.detachAll();
        StateSnapshot ms = m.exportState();
        StateSnapshot[] vs = new StateSnapshot[m.vcpuCount()];
        for (int i = 0; i < vs.length; i++) {
            vs[i] = m.vcpu(i).exportState();
        }
        synchronized (this) {
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
        synchronized (this) {
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
        synchronized (this) {
            savedMachine = null;
            savedVcpus = null;
        }
        gate.setError("");
        bind(arch, m);
        LOG.debug("VM {}: state imported into {}", id, arch.getClass().getName());
    }

    // ---- vCPU threads ----
    void start(ExitDispatcher dispatcher) {
        // A VM whose architecture is away may still be started: its threads park until the machine is back.
        gate.start(config.vcpus());
        synchronized (runners) {
            for (int i = 0; i < config.vcpus(); i++) {
                runners.add(new VcpuRunner(this, i, dispatcher));
            }
        }
        List<VcpuRunner> all;
        synchronized (runners) {
            all = List.copyOf(runners);
        }
        for (VcpuRunner r : all) {
            r.start();
        }
    }

    /** Adds a hold reason and waits until every vCPU thread is parked at an instruction boundary. */
    void hold(String reason) {
        gate.requestHold(reason);
        awaitParked(reason);
    }

    void awaitParked(String reason) {
        gate.awaitParked(reason, this::isRunnerThread);
    }

    private boolean isRunnerThread() {
        synchronized (runners) {
            for (VcpuRunner r : runners) {
                if (r.thread() == Thread.currentThread()) {
                    return true;
                }
            }
            return false;
        }
    }

    void joinRunners(long millis) {
        List<VcpuRunner> all;
        synchronized (runners) {
            all = List.copyOf(runners);
        }
        for (VcpuRunner r : all) {
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

    /**
     * A VM stopped in INTERNAL_ERROR by one vCPU's exit has its other vCPUs kicked but nobody waited for them (a
     * user pause waits in {@code pause}): wait here before its state is read.
     */
    void awaitQuiescent(String reason) {
        if (state() == VmState.INTERNAL_ERROR) {
            awaitParked(reason);
        }
    }

    // ---- queries ----
    VmState state() {
        return gate.state();
    }

    VmInfo info() {
        return new VmInfo(id, config.name(), config.arch(), gate.state(), config.vcpus(), config.memoryBytes(),
                memory.residentBytes(), gate.exitStatus(), gate.waitingFor(), gate.error());
    }

    List<Map<String, Long>> registers() {
        Machine m = machine;
        VmState s = state();
        if (m == null || s == VmState.RUNNING) {
            throw new VmException("VM " + id + " is " + s + (m == null ? " without a machine" : "")
                    + ": pause it first to read registers");
        }
        awaitQuiescent("reading registers");
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
