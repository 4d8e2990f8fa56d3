package org.polyvisor.framework.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.api.LiveSaveResult;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.ExitObserver;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.VmExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM manager: VM life cycle (create, start, pause, resume, stop, destroy) and queries, in front of the parts
 * that do the other jobs: {@link VmRegistry} (VMs by id), {@link ArchitectureRegistry} (architecture services),
 * {@link SwapCoordinator} (hot swap of architectures and exit handlers), {@link ExtensionSwaps} (VM extensions) and
 * {@link SnapshotService}. Plain Java: the OSGi component feeds it services as they come and go; tests and
 * benchmarks call the same add/remove methods directly.
 */
@Singleton
public final class VmManagerImpl implements VmManager, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VmManagerImpl.class);

    private final VmRegistry vms;
    private final ArchitectureRegistry architectures;
    private final ExitDispatcher dispatcher;
    private final ExtensionSwaps extensions;
    private final SwapCoordinator swaps;
    private final SnapshotService snapshots;
    private final VmFactory factory;

    /** A manager with its own object graph, for use outside OSGi (tests, benchmarks, the standalone package). */
    public static VmManagerImpl create() {
        return DaggerFrameworkGraph.create().vmManager();
    }

    /** Wired by Dagger ({@link FrameworkGraph}): each part gets the same registry, dispatcher and swap lock. */
    @Inject
    VmManagerImpl(VmRegistry vms, ArchitectureRegistry architectures, ExitDispatcher dispatcher,
            ExtensionSwaps extensions, SwapCoordinator swaps, SnapshotService snapshots, VmFactory factory) {
        this.vms = vms;
        this.architectures = architectures;
        this.dispatcher = dispatcher;
        this.extensions = extensions;
        this.swaps = swaps;
        this.snapshots = snapshots;
        this.factory = factory;
    }

    // ---- services (fed by OSGi or by tests) ----

    /** True if an architecture with this id is registered. */
    public boolean hasArchitecture(String id) {
        return architectures.current(id) != null;
    }

    public void addArchitecture(Architecture arch) {
        addArchitecture(arch, 0);
    }

    /** A new architecture service: VMs waiting for its id import their state into it and continue. */
    public void addArchitecture(Architecture arch, int ranking) {
        swaps.addArchitecture(arch, ranking);
    }

    /** An architecture service is going away: pause its VMs and export their state through it while it still works. */
    public void removeArchitecture(Architecture arch) {
        swaps.removeArchitecture(arch);
    }

    /**
     * The VMs' machines are built again ({@link org.polyvisor.spi.MachineContext#requestRebuild} for every VM
     * running on {@code arch}): for tools and tests that change what an architecture builds from.
     */
    public void rebuild(Architecture arch, String reason) {
        swaps.rebuild(arch, reason);
    }

    /**
     * Make-before-break swap: moves every VM of the replacement's id that runs on another implementation onto the
     * replacement, which must be registered already (a second revision of an architecture bundle, started next to
     * the first). The replacement is first warmed up on scratch machines while the VMs keep running, so the pause
     * covers only export, machine creation and import in loaded code. A VM whose state the replacement refuses goes
     * back to its old implementation and keeps running; the error is returned and shown in {@code pv:list}.
     *
     * @return how many VMs moved, and one line per VM that could not
     */
    public Migration migrate(Architecture replacement) {
        return swaps.migrate(replacement);
    }

    /**
     * What {@link #migrate} did: VMs moved, why the others did not, and how long they were held (the pause request
     * to the release; each VM's guest-visible pause, in {@link #swapPauses}, ends when its vCPU runs again).
     */
    public record Migration(int moved, List<String> refused, long heldNanos) {
    }

    public void addExitHandler(ExitHandler handler, String arch, String[] exitClasses, int ranking) {
        swaps.addExitHandler(handler, arch, exitClasses, ranking);
    }

    /** The VMs that use the handler are paused first, so no exit is in flight while it disappears. */
    public void removeExitHandler(ExitHandler handler, String arch) {
        swaps.removeExitHandler(handler, arch);
    }

    /** An exit observer: running VMs' next exits reach it; no VM pauses. */
    public void addExitObserver(ExitObserver observer) {
        dispatcher.observers().add(observer);
    }

    /** No VM pauses: a call already under way still finishes, later exits no longer reach the observer. */
    public void removeExitObserver(ExitObserver observer) {
        dispatcher.observers().remove(observer);
    }

    /** A new extension: attached to VMs that wait for its id (their saved state is imported). */
    public void addExtension(VmExtension ext) {
        extensions.add(ext);
    }

    /** An extension is going away: the VMs it is attached to are paused and its state exported while it works. */
    public void removeExtension(VmExtension ext) {
        extensions.remove(ext);
    }

    public List<String> extensionIds() {
        return extensions.ids();
    }

    /** Installed architectures' capabilities, by id. */
    public List<ArchCapabilities> architectureCapabilities() {
        return architectures.capabilities();
    }

    /**
     * Waits until an architecture matching {@code wanted} is registered (bundles start asynchronously), or the timeout
     * passes; empty if none came.
     */
    public Optional<ArchCapabilities> awaitArchitecture(Predicate<ArchCapabilities> wanted, long timeoutMillis)
            throws InterruptedException {
        return architectures.await(wanted, timeoutMillis);
    }

    /** Exit handlers by architecture and class (for {@code pv:archs}). */
    public Map<String, Map<String, String>> exitHandlers() {
        return dispatcher.describe();
    }

    // ---- VmManager ----

    @Override
    public int create(VmConfig config) {
        Architecture arch = architectures.current(config.arch());
        if (arch == null) {
            throw new VmException("no architecture '" + config.arch() + "' is installed (installed: "
                    + architectures.installedIds() + ")");
        }
        ElfImage image = config.image() == null ? null : ElfImage.read(config.image());
        Vm vm = factory.newVm(vms.nextId(), config);
        Machine machine = null;
        try {
            machine = arch.createMachine(vm);
            if (machine.vcpuCount() != config.vcpus()) {
                throw new VmException(config.arch() + " created " + machine.vcpuCount() + " vCPUs, " + config.vcpus()
                        + " were asked for");
            }
            if (image != null) {
                machine.boot(image);
            }
            vm.bind(arch, machine);
            extensions.attachNew(vm);
        } catch (RuntimeException e) {
            for (String ext : vm.extensions.ids()) {
                vm.extensions.detach(ext);
            }
            if (machine != null) {
                machine.close();
            }
            vm.memory.close();
            throw e instanceof VmException ve ? new VmException("cannot create VM: " + ve.getMessage(), ve)
                    : new VmException("cannot create VM: " + config.arch() + " failed: " + e, e);
        }
        vms.add(vm);
        LOG.info("VM {} created: {} {} MiB, {} vCPU(s), image {}", vm.id, config.arch(), config.memoryBytes() >> 20,
                config.vcpus(), config.image());
        return vm.id;
    }

    @Override
    public void start(int id) {
        vms.get(id).start(dispatcher);
    }

    @Override
    public void pause(int id) {
        Vm vm = vms.get(id);
        VmState s = vm.state();
        if (s != VmState.RUNNING && s != VmState.WAITING) {
            throw new VmException("VM " + id + " is " + s + "; only a RUNNING VM can be paused");
        }
        vm.hold(HoldGate.HOLD_USER);
    }

    /** Continues a VM paused by a user, or one an exit handler stopped in INTERNAL_ERROR (QEMU's {@code cont}). */
    @Override
    public void resume(int id) {
        Vm vm = vms.get(id);
        if (vm.gate.isHeld(HoldGate.HOLD_ERROR)) {
            vm.gate.release(HoldGate.HOLD_ERROR);
        } else if (vm.gate.isHeld(HoldGate.HOLD_USER)) {
            vm.gate.release(HoldGate.HOLD_USER);
        } else {
            throw new VmException("VM " + id + " is " + vm.state() + ", not paused by a user nor stopped by an error");
        }
    }

    @Override
    public void stop(int id) {
        Vm vm = vms.get(id);
        vm.gate.requestStop();
        vm.joinRunners(5_000);
    }

    @Override
    public void destroy(int id) {
        Vm vm = vms.get(id);
        vm.gate.requestStop();
        vm.joinRunners(5_000);
        vms.remove(vm);
        Machine m = vm.machine();
        if (m != null) {
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.warn("VM {}: closing the machine failed: {}", id, e.toString());
            }
        }
        vm.memory.close();
        LOG.info("VM {} destroyed", id);
    }

    @Override
    public List<VmInfo> list() {
        return vms.sorted().stream().map(Vm::info).toList();
    }

    @Override
    public VmInfo info(int id) {
        return vms.get(id).info();
    }

    /** Exits {@code Vcpu.run()} returned to the framework, by class. */
    @Override
    public Map<String, Long> exitCounts(int id) {
        return vms.get(id).stats.dispatched();
    }

    /** Exits the architecture resolved inside {@code Vcpu.run()} (interrupts, stage 2 faults...), by class. */
    public Map<String, Long> resolvedExitCounts(int id) {
        return vms.get(id).stats.resolved();
    }

    @Override
    public byte[] consoleTail(int id) {
        return vms.get(id).console.tail();
    }

    @Override
    public AutoCloseable attachConsole(int id, IntConsumer sink) {
        return vms.get(id).console.attach(sink);
    }

    /** Feeds bytes to the guest's console input (UART receive side). */
    public void typeConsole(int id, byte[] bytes) {
        vms.get(id).console.type(bytes);
    }

    @Override
    public VmInfo awaitTermination(int id, long timeoutMillis) throws InterruptedException {
        Vm vm = vms.get(id);
        vm.gate.awaitTermination(timeoutMillis);
        return vm.info();
    }

    @Override
    public List<Map<String, Long>> registers(int id) {
        return vms.get(id).registers();
    }

    /** Device map of a VM (for the shell). */
    public String devices(int id) {
        return vms.get(id).bus.describe();
    }

    /** The VM's guest time in nanoseconds: it advances only while the VM runs ({@link VmClock}). */
    public long guestNanos(int id) {
        return vms.get(id).clock.nanos();
    }

    /** Instructions retired, summed over the vCPUs (for MIPS figures). */
    public long instructionsRetired(int id) {
        Machine m = vms.get(id).machine();
        long total = 0;
        if (m != null) {
            for (int i = 0; i < m.vcpuCount(); i++) {
                total += m.vcpu(i).instructionsRetired();
            }
        }
        return total;
    }

    // ---- snapshots ----

    /** Writes a paused, created or stopped VM to a snapshot file (docs/snapshot-format.md). Returns a summary. */
    public String saveSnapshot(int id, Path file) throws IOException {
        return snapshots.save(id, file);
    }

    @Override
    public LiveSaveResult saveLive(int id, Path file) {
        try {
            return snapshots.saveLive(id, file);
        } catch (IOException e) {
            throw new VmException("VM " + id + ": cannot write the snapshot " + file + " (" + ShellErrors.describe(e)
                    + "); the VM runs on unchanged", e);
        }
    }

    /** Creates a VM from a snapshot file, paused; a corrupt or truncated file is refused with a message. */
    public int restoreSnapshot(Path file) {
        return snapshots.restore(file);
    }

    /**
     * When a vCPU thread of the VM last left a pause to run guest code ({@link System#nanoTime()} clock). The pause
     * a guest experiences in a swap is this minus the time the swap began.
     */
    public long lastResumeNanos(int id) {
        return vms.get(id).gate.lastResumeNanos;
    }

    /**
     * The guest-visible pauses of the VM's last swaps (up to 64), in nanoseconds: from the moment a swap asked the
     * running VM to pause to the moment a vCPU ran guest code again on the new implementation.
     */
    public long[] swapPauses(int id) {
        return vms.get(id).gate.swapPauses();
    }

    /** Stops and destroys every VM. */
    @Override
    public void close() {
        for (Vm vm : new ArrayList<>(vms.sorted())) {
            try {
                destroy(vm.id);
            } catch (RuntimeException e) {
                LOG.warn("destroying VM {} failed: {}", vm.id, e.toString());
            }
        }
    }
}
