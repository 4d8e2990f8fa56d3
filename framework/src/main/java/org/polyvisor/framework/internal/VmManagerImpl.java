package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.Feature;
import org.polyvisor.spi.Machine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM manager. Plain Java: the OSGi component feeds it services (architectures, exit handlers, features) as they
 * come and go; tests and benchmarks call the same add/remove methods directly.
 *
 * <p>Hot swap: when an architecture goes away ({@link #removeArchitecture}, called synchronously while the old
 * service is still usable), every VM built from it is paused at an instruction boundary, its state exported through
 * the old code and the old machine closed; the VM then waits. When an architecture with the same id arrives, the
 * state is imported into a new machine and the VM continues. Exit handlers work the same way: before a handler is
 * removed, the VMs of its architecture are paused, so no exit is ever in flight without a handler; they continue
 * once every exit class that had a handler has one again.
 */
public final class VmManagerImpl implements VmManager, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VmManagerImpl.class);

    /**
     * A registered architecture. Among equal rankings the highest preference wins: registrations start with
     * {@code -order} (the earlier one wins, as OSGi orders services) and {@link #migrate} promotes a replacement above
     * every other.
     */
    private record ArchReg(Architecture arch, int ranking, long order, long preference) {
    }

    private final Map<Integer, Vm> vms = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final ExitDispatcher dispatcher;
    private final SnapshotCodec snapshotCodec;
    private final List<ArchReg> architectures = new ArrayList<>();
    private final List<Feature> features = new CopyOnWriteArrayList<>();
    private final List<org.polyvisor.spi.VmExtension> extensions = new CopyOnWriteArrayList<>();
    private long order;
    private long promotions;
    /**
     * One service change at a time: the hold/export/import sequences of two swaps (a Felix update during a pv:swap,
     * two DS threads) must not interleave, or one would release VMs the other still holds. Reentrant because an
     * unregistration may hand its VMs to another registered implementation at once.
     */
    private final java.util.concurrent.locks.ReentrantLock swapLock = new java.util.concurrent.locks.ReentrantLock();

    /** For tests and benchmarks outside OSGi. */
    public VmManagerImpl() {
        this(new ExitDispatcher(), new SnapshotCodec());
    }

    @jakarta.inject.Inject
    VmManagerImpl(ExitDispatcher dispatcher, SnapshotCodec snapshotCodec) {
        this.dispatcher = dispatcher;
        this.snapshotCodec = snapshotCodec;
    }

    /** True if an architecture with this id is registered. */
    public boolean hasArchitecture(String id) {
        return current(id) != null;
    }

    ExitDispatcher dispatcher() {
        return dispatcher;
    }

    // ---- service registry (fed by OSGi or by tests) ----

    public void addArchitecture(Architecture arch) {
        addArchitecture(arch, 0);
    }

    /** A new architecture service: VMs waiting for its id import their state into it and continue. */
    public void addArchitecture(Architecture arch, int ranking) {
        swapLock.lock();
        try {
            String id = arch.id();
            synchronized (architectures) {
                architectures.add(new ArchReg(arch, ranking, order, -order));
                order++;
            }
            LOG.info("architecture {} registered ({})", id, arch.getClass().getName());
            if (current(id) == arch) {
                attachWaitingVms(arch);
            }
        } finally {
            swapLock.unlock();
        }
    }

    /** VMs of the architecture's id that have no machine get one from {@code arch} and their state; under swapLock. */
    private void attachWaitingVms(Architecture arch) {
        String id = arch.id();
        attach(arch, vms.values().stream().filter(vm -> vm.config.arch().equals(id) && vm.machine() == null).toList());
    }

    /** Gives each of these machine-less VMs a machine from {@code arch} and its saved state; under swapLock. */
    private void attach(Architecture arch, List<Vm> waiting) {
        String id = arch.id();
        // Attach every waiting VM first and release them together afterwards: released guests compete for the
        // cores, and a coordinator starved by them would stretch every other VM's pause.
        List<Vm> attached = java.util.Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(waiting, vm -> {
            try {
                vm.attach(arch);
                reattachExtensions(vm);
                attached.add(vm);
            } catch (RuntimeException e) {
                String msg = "VM " + vm.id + ": the " + id + " implementation refused the saved state: "
                        + e.getMessage() + " (state kept; VM stays paused)";
                vm.setError(msg);
                LOG.error(msg);
            }
        });
        for (Vm vm : List.copyOf(attached)) {
            vm.release(holdArch(id));
            releaseIfHandlersComplete(vm);
        }
    }

    /**
     * The VMs' machines are built again ({@link org.polyvisor.spi.MachineContext#requestRebuild} for every VM
     * running on {@code arch}): for tools and tests that change what an architecture builds from.
     */
    public void rebuild(Architecture arch, String reason) {
        for (Vm vm : List.copyOf(vms.values())) {
            if (vm.architecture() == arch) {
                rebuild(vm, reason);
            }
        }
    }

    /**
     * {@link org.polyvisor.spi.MachineContext#requestRebuild}: the VM gets a new machine from its architecture's
     * current code, or waits (with the error) if the new machine refuses its state. An architecture asks for each of
     * its VMs, so every VM is tried once per change.
     */
    void rebuild(Vm vm, String reason) {
        swapLock.lock();
        try {
            if (vms.get(vm.id) != vm) {
                return; // destroyed meanwhile
            }
            String id = vm.config.arch();
            if (vm.machine() != null) {
                vm.requestHold(holdArch(id));
                try {
                    vm.awaitParked(holdArch(id));
                    vm.detach(reason);
                } catch (RuntimeException e) {
                    vm.setError("VM " + vm.id + ": rebuilding its machine (" + reason + ") failed: " + e.getMessage());
                    vm.release(holdArch(id));
                    return;
                }
            }
            Architecture now = current(id);
            if (now != null) {
                attach(now, List.of(vm)); // a refused state leaves the VM waiting, with the error
            }
            LOG.info("VM {}: machine rebuilt ({}): {}", vm.id, reason, vm.machine() != null ? "running" : "waiting");
        } finally {
            swapLock.unlock();
        }
    }

    /** An architecture service is going away: pause its VMs and export their state through it while it still works. */
    public void removeArchitecture(Architecture arch) {
        swapLock.lock();
        try {
            String id = arch.id();
            List<Vm> affected = vms.values().stream().filter(vm -> vm.architecture() == arch).toList();
            for (Vm vm : affected) {
                vm.requestHold(holdArch(id)); // all VMs stop together: the pause does not grow with the VM count
            }
            Parallel.forEach(affected, vm -> {
                try {
                    vm.awaitParked(holdArch(id));
                    vm.detach("architecture " + id);
                } catch (RuntimeException e) {
                    // the old implementation is going away whatever happens; the VM keeps what it could save
                    String msg = "VM " + vm.id + ": exporting its state from the departing " + id
                            + " implementation failed: "
                            + e.getMessage();
                    vm.setError(msg);
                    LOG.error(msg);
                }
            });
            synchronized (architectures) {
                architectures.removeIf(r -> r.arch == arch);
            }
            LOG.info("architecture {} unregistered ({})", id, arch.getClass().getName());
            Architecture replacement = current(id);
            if (replacement != null) {
                addArchitectureReplay(replacement);
            }
        } finally {
            swapLock.unlock();
        }
    }

    /** When another implementation of the id is still registered, move the waiting VMs to it at once. */
    private void addArchitectureReplay(Architecture replacement) {
        int ranking;
        synchronized (architectures) {
            ArchReg reg = architectures.stream().filter(r -> r.arch == replacement).findFirst().orElseThrow();
            architectures.remove(reg);
            ranking = reg.ranking;
        }
        addArchitecture(replacement, ranking);
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
        swapLock.lock();
        try {
            String id = replacement.id();
            synchronized (architectures) {
                ArchReg reg = architectures.stream().filter(r -> r.arch == replacement).findFirst()
                        .orElseThrow(() -> new VmException("architecture " + id + " ("
                                + replacement.getClass().getName()
                                + ") is not registered"));
                architectures.remove(reg);
                architectures.add(new ArchReg(replacement, reg.ranking, reg.order, ++promotions));
            }
            if (current(id) != replacement) {
                throw new VmException("another implementation of " + id + " has a higher service ranking");
            }
            Map<Vm, Architecture> moving = new java.util.LinkedHashMap<>();
            for (Vm vm : vms.values()) {
                Architecture old = vm.architecture();
                if (vm.config.arch().equals(id) && old != null && old != replacement && !isEnded(vm)) {
                    moving.put(vm, old);
                }
            }
            if (moving.isEmpty()) {
                return new Migration(0, List.of(), 0);
            }
            ArchitectureWarmUp.run(replacement, moving.keySet().stream().map(vm -> vm.config).toList());
            String hold = holdArch(id);
            long held = System.nanoTime();
            for (Vm vm : moving.keySet()) {
                vm.requestHold(hold);
            }
            List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
            Parallel.forEach(List.copyOf(moving.entrySet()), e -> {
                String refusal = move(e.getKey(), e.getValue(), replacement, hold);
                if (refusal != null) {
                    refused.add(refusal);
                }
            });
            List<Vm> attached = moving.keySet().stream().filter(vm -> vm.machine() != null).toList();
            for (Vm vm : attached) {
                vm.release(hold);
                releaseIfHandlersComplete(vm);
            }
            long heldNanos = System.nanoTime() - held;
            LOG.info("architecture {}: {} VM(s) moved to {} in a {} us pause", id, moving.size() - refused.size(),
                    replacement.getClass().getName(), heldNanos / 1000);
            return new Migration(moving.size() - refused.size(), List.copyOf(refused), heldNanos);
        } finally {
            swapLock.unlock();
        }
    }

    /** Moves one held VM; returns null, or why it stays on {@code old} (or without a machine). Never throws. */
    private String move(Vm vm, Architecture old, Architecture replacement, String hold) {
        String id = replacement.id();
        String msg;
        try {
            vm.awaitParked(hold);
            vm.detach("architecture " + id + " (moving to a new implementation)");
        } catch (RuntimeException ex) {
            msg = "VM " + vm.id + ": could not be moved: " + ex.getMessage()
                    + " (it stays on the previous implementation)";
            vm.setError(msg);
            LOG.error(msg);
            return msg;
        }
        try {
            vm.attach(replacement);
            reattachExtensions(vm);
            return null;
        } catch (RuntimeException ex) {
            msg = "VM " + vm.id + ": the new " + id + " implementation refused the state: " + ex.getMessage();
        }
        try {
            vm.attach(old); // the old code exported this state a moment ago, so it takes it back
            reattachExtensions(vm);
            msg += " (the VM stays on the previous implementation)";
        } catch (RuntimeException again) {
            msg += "; the previous implementation refused it too: " + again.getMessage()
                    + " (state kept; VM stays paused)";
        }
        vm.setError(msg);
        LOG.error(msg);
        return msg;
    }

    /**
     * What {@link #migrate} did: VMs moved, why the others did not, and how long they were held (the pause request
     * to the release; each VM's guest-visible pause, in {@link #swapPauses}, ends when its vCPU runs again).
     */
    public record Migration(int moved, List<String> refused, long heldNanos) {
    }

    public void addExitHandler(ExitHandler handler, String arch, String[] exitClasses, int ranking) {
        swapLock.lock();
        try {
            dispatcher.add(handler, arch, exitClasses, ranking);
            for (Vm vm : vms.values()) {
                if (vm.config.arch().equals(arch)) {
                    releaseIfHandlersComplete(vm);
                }
            }
        } finally {
            swapLock.unlock();
        }
    }

    /**
     * Pause the VMs that use the handler first, so no exit is in flight while it disappears. VMs that use another
     * revision's handler (a make-before-break swap) keep running.
     */
    public void removeExitHandler(ExitHandler handler, String arch) {
        swapLock.lock();
        try {
            List<Vm> held = new ArrayList<>();
            for (Vm vm : vms.values()) {
                if (vm.config.arch().equals(arch) && !isEnded(vm)
                        && (vm.architecture() == null || dispatcher.selects(arch, vm.architectureLoader(), handler))) {
                    vm.requestHold(holdHandlers(arch));
                    held.add(vm);
                }
            }
            for (Vm vm : held) {
                vm.awaitParked(holdHandlers(arch));
            }
            dispatcher.remove(handler);
            for (Vm vm : held) {
                releaseIfHandlersComplete(vm);
            }
        } finally {
            swapLock.unlock();
        }
    }

    private void releaseIfHandlersComplete(Vm vm) {
        String arch = vm.config.arch();
        if (vm.isHeld(holdHandlers(arch)) && dispatcher.missingClasses(arch).isEmpty()) {
            vm.release(holdHandlers(arch));
        }
    }

    /** A new extension: attached to VMs that wait for its id (their saved state is imported). */
    public void addExtension(org.polyvisor.spi.VmExtension ext) {
        swapLock.lock();
        try {
            extensions.add(ext);
            for (Vm vm : vms.values()) {
                if (vm.waitsForExtension(ext.id()) && vm.machine() != null
                        && currentExtension(ext.id(), vm.architectureLoader()) == ext) {
                    attachWaiting(vm, ext);
                }
            }
        } finally {
            swapLock.unlock();
        }
    }

    /** Gives a VM that waits for the extension's id its saved state back through {@code ext}, then lets it go. */
    private static void attachWaiting(Vm vm, org.polyvisor.spi.VmExtension ext) {
        try {
            vm.attachExtension(ext);
            vm.release(holdExtension(ext.id()));
        } catch (RuntimeException e) {
            vm.setError("VM " + vm.id + ": extension " + ext.id() + " refused the saved state: " + e.getMessage()
                    + " (state kept; VM stays paused)");
        }
    }

    /**
     * An extension is going away: pause the VMs it is attached to and export its state while it still works. VMs
     * attached to another instance of the same id (another bundle revision) are not touched.
     */
    public void removeExtension(org.polyvisor.spi.VmExtension ext) {
        swapLock.lock();
        try {
            List<Vm> affected = vms.values().stream().filter(vm -> vm.attachedExtension(ext.id()) == ext).toList();
            for (Vm vm : affected) {
                vm.requestHold(holdExtension(ext.id()));
            }
            for (Vm vm : affected) {
                vm.awaitParked(holdExtension(ext.id()));
                vm.detachExtension(ext.id());
            }
            extensions.remove(ext);
            for (Vm vm : affected) {
                org.polyvisor.spi.VmExtension other = vm.machine() == null ? null
                        : currentExtension(ext.id(), vm.architectureLoader());
                if (other != null) { // otherwise the VM waits for the id; addExtension attaches it when one comes
                    attachWaiting(vm, other);
                }
            }
        } finally {
            swapLock.unlock();
        }
    }

    /**
     * The extension to attach for an id: one loaded by the same class loader as the VM's architecture (its own
     * bundle revision) if there is one, else the earliest registered.
     */
    private org.polyvisor.spi.VmExtension currentExtension(String id, ClassLoader preferred) {
        org.polyvisor.spi.VmExtension first = null;
        for (org.polyvisor.spi.VmExtension e : extensions) {
            if (e.id().equals(id)) {
                if (preferred != null && e.getClass().getClassLoader() == preferred) {
                    return e;
                }
                if (first == null) {
                    first = e;
                }
            }
        }
        return first;
    }

    /** After a machine swap: re-attach every extension the VM had; one that is away makes the VM wait for it. */
    private void reattachExtensions(Vm vm) {
        for (String id : vm.extensionIds()) {
            if (vm.hasExtension(id)) {
                continue;
            }
            org.polyvisor.spi.VmExtension ext = currentExtension(id, vm.architectureLoader());
            if (ext == null) {
                if (!vm.isHeld(holdExtension(id))) {
                    vm.hold(holdExtension(id));
                }
            } else {
                vm.attachExtension(ext);
            }
        }
    }

    private static String holdExtension(String id) {
        return "extension " + id;
    }

    public List<String> extensionIds() {
        return extensions.stream().map(org.polyvisor.spi.VmExtension::id).sorted().toList();
    }

    public void addFeature(Feature feature) {
        features.add(feature);
    }

    public void removeFeature(Feature feature) {
        features.remove(feature);
    }

    private static String holdArch(String id) {
        return "architecture " + id;
    }

    private static String holdHandlers(String arch) {
        return "exit handlers of " + arch;
    }

    private static boolean isEnded(Vm vm) {
        VmState s = vm.state();
        return s == VmState.STOPPED || s == VmState.FAILED;
    }

    private Architecture current(String id) {
        synchronized (architectures) {
            return architectures.stream().filter(r -> r.arch.id().equals(id))
                    .max(Comparator.comparingInt(ArchReg::ranking).thenComparingLong(ArchReg::preference))
                    .map(ArchReg::arch).orElse(null);
        }
    }

    /** Installed architectures' capabilities, by id. */
    public List<ArchCapabilities> architectureCapabilities() {
        List<ArchCapabilities> out = new ArrayList<>();
        synchronized (architectures) {
            for (ArchReg r : architectures) {
                out.add(r.arch.capabilities());
            }
        }
        out.sort(Comparator.comparing(ArchCapabilities::id));
        return out;
    }

    public List<ArchCapabilities> featureCapabilities() {
        List<ArchCapabilities> out = new ArrayList<>();
        for (Feature f : features) {
            out.add(f.capabilities());
        }
        out.sort(Comparator.comparing(ArchCapabilities::id));
        return out;
    }

    /** Exit handlers by architecture and class (for {@code pv:archs}). */
    public Map<String, Map<String, String>> exitHandlers() {
        return dispatcher.describe();
    }

    // ---- VmManager ----

    @Override
    public int create(VmConfig config) {
        Architecture arch = current(config.arch());
        if (arch == null) {
            throw new VmException("no architecture '" + config.arch() + "' is installed (installed: "
                    + installedIds() + ")");
        }
        ElfImage image = config.image() == null ? null : ElfImage.read(config.image());
        int id = nextId.getAndIncrement();
        Vm vm = new Vm(id, config, this);
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
            for (org.polyvisor.spi.VmExtension ext : extensions) {
                if (ext.appliesTo(config) && !vm.hasExtension(ext.id())) {
                    vm.attachExtension(ext);
                }
            }
        } catch (RuntimeException e) {
            for (String ext : vm.extensionIds()) {
                vm.detachExtension(ext);
            }
            if (machine != null) {
                machine.close();
            }
            vm.memory.close();
            throw e instanceof VmException ve ? new VmException("cannot create VM: " + ve.getMessage(), ve)
                    : new VmException("cannot create VM: " + config.arch() + " failed: " + e, e);
        }
        vms.put(id, vm);
        LOG.info("VM {} created: {} {} MiB, {} vCPU(s), image {}", id, config.arch(), config.memoryBytes() >> 20,
                config.vcpus(), config.image());
        return id;
    }

    private String installedIds() {
        synchronized (architectures) {
            return architectures.isEmpty() ? "none"
                    : String.join(", ", architectures.stream().map(r -> r.arch.id()).distinct().sorted().toList());
        }
    }

    private Vm vm(int id) {
        Vm vm = vms.get(id);
        if (vm == null) {
            throw new VmException("no VM with id " + id + " (VMs: " + new TreeMap<>(vms).keySet() + ")");
        }
        return vm;
    }

    @Override
    public void start(int id) {
        vm(id).start(this);
    }

    @Override
    public void pause(int id) {
        Vm vm = vm(id);
        VmState s = vm.state();
        if (s != VmState.RUNNING && s != VmState.WAITING) {
            throw new VmException("VM " + id + " is " + s + "; only a RUNNING VM can be paused");
        }
        vm.hold(Vm.HOLD_USER);
    }

    @Override
    public void resume(int id) {
        Vm vm = vm(id);
        if (!vm.isHeld(Vm.HOLD_USER)) {
            throw new VmException("VM " + id + " is " + vm.state() + ", not paused by a user");
        }
        vm.release(Vm.HOLD_USER);
    }

    @Override
    public void stop(int id) {
        Vm vm = vm(id);
        vm.requestStop();
        vm.joinRunners(5_000);
    }

    @Override
    public void destroy(int id) {
        Vm vm = vm(id);
        vm.requestStop();
        vm.joinRunners(5_000);
        vms.remove(id);
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
        List<VmInfo> out = new ArrayList<>();
        for (Vm vm : new TreeMap<>(vms).values()) {
            out.add(vm.info());
        }
        return out;
    }

    @Override
    public VmInfo info(int id) {
        return vm(id).info();
    }

    @Override
    public Map<String, Long> exitCounts(int id) {
        return vm(id).stats.snapshot();
    }

    @Override
    public byte[] consoleTail(int id) {
        return vm(id).console.tail();
    }

    @Override
    public AutoCloseable attachConsole(int id, IntConsumer sink) {
        return vm(id).console.attach(sink);
    }

    /** Feeds bytes to the guest's console input (UART receive side). */
    public void typeConsole(int id, byte[] bytes) {
        vm(id).console.type(bytes);
    }

    @Override
    public VmInfo awaitTermination(int id, long timeoutMillis) throws InterruptedException {
        return vm(id).awaitTermination(timeoutMillis);
    }

    @Override
    public List<Map<String, Long>> registers(int id) {
        return vm(id).registers();
    }

    /** Device map of a VM (for the shell). */
    public String devices(int id) {
        return vm(id).bus.describe();
    }

    /** Instructions retired per vCPU (for MIPS figures). */
    public long instructionsRetired(int id) {
        Vm vm = vm(id);
        Machine m = vm.machine();
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
    public String saveSnapshot(int id, java.nio.file.Path file) throws java.io.IOException {
        return new SnapshotFiles(snapshotCodec).save(this, id, file);
    }

    /** Creates a VM from a snapshot file, paused; a corrupt or truncated file is refused with a message. */
    public int restoreSnapshot(java.nio.file.Path file) {
        return new SnapshotFiles(snapshotCodec).restore(this, file);
    }

    /** Restores guest memory contents for {@link #restoreImage}. */
    interface MemoryFiller {
        void fill(org.polyvisor.memory.GuestMemory memory) throws java.io.IOException;
    }

    org.polyvisor.memory.GuestMemory memoryOf(int id) {
        return vm(id).memory;
    }

    /** State of a paused, created or stopped VM for a snapshot file. */
    VmImage exportImage(int id) {
        Vm vm = vm(id);
        VmState s = vm.state();
        if (s == VmState.RUNNING || s == VmState.WAITING) {
            throw new VmException("VM " + id + " is " + s + ": pause it before saving a snapshot");
        }
        Machine m = vm.machine();
        if (m == null) {
            throw new VmException("VM " + id + " has no machine (its architecture is not installed)");
        }
        List<org.polyvisor.spi.StateSnapshot> vcpus = new ArrayList<>();
        for (int i = 0; i < m.vcpuCount(); i++) {
            vcpus.add(m.vcpu(i).exportState());
        }
        return new VmImage(vm.config, m.exportState(), vcpus, vm.exportExtensions());
    }

    /** Creates a VM from a snapshot: machine from the architecture, memory filled, state imported; left paused. */
    int restoreImage(VmImage image, MemoryFiller filler) throws java.io.IOException {
        VmConfig config = image.config();
        Architecture arch = current(config.arch());
        if (arch == null) {
            throw new VmException("snapshot is of architecture '" + config.arch() + "', which is not installed (installed: "
                    + installedIds() + ")");
        }
        int id = nextId.getAndIncrement();
        Vm vm = new Vm(id, config, this);
        Machine machine = null;
        try {
            machine = arch.createMachine(vm);
            filler.fill(vm.memory);
            machine.importState(image.machine());
            for (int i = 0; i < machine.vcpuCount(); i++) {
                machine.vcpu(i).importState(image.vcpus().get(i));
            }
            vm.bind(arch, machine);
            image.extensions().forEach(vm::saveExtensionState);
            reattachExtensions(vm); // an extension that is not installed makes the VM wait for it
        } catch (RuntimeException | java.io.IOException e) {
            if (machine != null) {
                machine.close();
            }
            vm.memory.close();
            throw e;
        }
        vms.put(id, vm);
        vm.hold(Vm.HOLD_USER);
        vm.start(this);
        LOG.info("VM {} restored from a snapshot ({} {} MiB, {} vCPU(s)), paused", id, config.arch(),
                config.memoryBytes() >> 20, config.vcpus());
        return id;
    }

    /**
     * When a vCPU thread of the VM last left a pause to run guest code ({@link System#nanoTime()} clock). The pause
     * a guest experiences in a swap is this minus the time the swap began.
     */
    public long lastResumeNanos(int id) {
        return vm(id).lastResumeNanos;
    }

    /**
     * The guest-visible pauses of the VM's last swaps (up to 64), in nanoseconds: from the moment a swap asked the
     * running VM to pause to the moment a vCPU ran guest code again on the new implementation.
     */
    public long[] swapPauses(int id) {
        return vm(id).swapPauses();
    }

    /** Stops and destroys every VM. */
    @Override
    public void close() {
        for (Integer id : new ArrayList<>(vms.keySet())) {
            try {
                destroy(id);
            } catch (RuntimeException e) {
                LOG.warn("destroying VM {} failed: {}", id, e.toString());
            }
        }
    }
}
