package org.polyvisor.framework.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.api.LiveSaveResult;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmState;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.StateSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots: a paused, created or stopped VM to a file and back ({@link SnapshotFiles} holds the file format). A
 * restored VM gets a machine from its architecture, its memory, machine, vCPU and extension state and its guest
 * time, and is left paused.
 */
@Singleton
final class SnapshotService {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotService.class);

    /** Restores guest memory contents for {@link #restoreImage}. */
    interface MemoryFiller {
        void fill(GuestMemory memory) throws IOException;
    }

    private final VmRegistry vms;
    private final ArchitectureRegistry architectures;
    private final ExtensionSwaps extensions;
    private final ExitDispatcher dispatcher;
    private final VmFactory factory;
    private final SnapshotFiles files;
    private final LiveSave live;

    @Inject
    SnapshotService(VmRegistry vms, ArchitectureRegistry architectures, ExtensionSwaps extensions,
            ExitDispatcher dispatcher, VmFactory factory, SnapshotCodec codec, SwapLock swapLock) {
        this.vms = vms;
        this.architectures = architectures;
        this.extensions = extensions;
        this.dispatcher = dispatcher;
        this.factory = factory;
        this.files = new SnapshotFiles(codec);
        this.live = new LiveSave(architectures, swapLock, PreCopy.Policy.DEFAULT);
    }

    String save(int id, Path file) throws IOException {
        return files.save(this, id, file);
    }

    /** A running (or paused) VM saved in pre-copy rounds with only a short final pause ({@link LiveSave}). */
    LiveSaveResult saveLive(int id, Path file) throws IOException {
        return live.save(this, files, vms.get(id), file);
    }

    int restore(Path file) {
        return files.restore(this, file);
    }

    GuestMemory memoryOf(int id) {
        return vms.get(id).memory;
    }

    /** State of a paused, created or stopped VM for a snapshot file. */
    VmImage exportImage(int id) {
        Vm vm = vms.get(id);
        VmState s = vm.state();
        if (s == VmState.RUNNING || s == VmState.WAITING) {
            throw new VmException("VM " + id + " is " + s + ": pause it before saving a snapshot");
        }
        Machine m = vm.machine();
        if (m == null) {
            throw new VmException("VM " + id + " has no machine (its architecture is not installed)");
        }
        vm.awaitQuiescent("saving a snapshot");
        return captureImage(vm, m);
    }

    /** The machine, vCPU and extension state and guest time of a VM whose vCPUs are all parked. */
    VmImage captureImage(Vm vm, Machine m) {
        List<StateSnapshot> vcpus = new ArrayList<>();
        for (int i = 0; i < m.vcpuCount(); i++) {
            vcpus.add(m.vcpu(i).exportState());
        }
        return new VmImage(vm.config, m.exportState(), vcpus, vm.extensions.exportAll(), vm.clock.nanos());
    }

    /** Creates a VM from a snapshot: machine from the architecture, memory filled, state imported; left paused. */
    int restoreImage(VmImage image, MemoryFiller filler) throws IOException {
        VmConfig config = image.config();
        Architecture arch = architectures.current(config.arch());
        if (arch == null) {
            throw new VmException("snapshot is of architecture '" + config.arch()
                    + "', which is not installed (installed: " + architectures.installedIds() + ")");
        }
        Vm vm = factory.newVm(vms.nextId(), config);
        Machine machine = null;
        try {
            vm.clock.set(image.guestNanos()); // before the machine exists: it may read the clock while importing
            machine = arch.createMachine(vm);
            filler.fill(vm.memory);
            machine.importState(image.machine());
            for (int i = 0; i < machine.vcpuCount(); i++) {
                machine.vcpu(i).importState(image.vcpus().get(i));
            }
            vm.bind(arch, machine);
            image.extensions().forEach(vm.extensions::save);
            extensions.reattach(vm); // an extension that is not installed makes the VM wait for it
        } catch (RuntimeException | IOException e) {
            if (machine != null) {
                machine.close();
            }
            vm.memory.close();
            throw e;
        }
        vms.add(vm);
        vm.hold(HoldGate.HOLD_USER);
        vm.start(dispatcher);
        LOG.info("VM {} restored from a snapshot ({} {} MiB, {} vCPU(s), guest time {} ms), paused", vm.id,
                config.arch(), config.memoryBytes() >> 20, config.vcpus(), image.guestNanos() / 1_000_000);
        return vm.id;
    }
}
