package org.polyvisor.standalone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.polyvisor.api.VmManager;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.VmExtension;

/**
 * The framework's VM manager outside OSGi. In Felix, Declarative Services hands the manager every
 * {@link Architecture}, {@link ExitHandler} and {@link VmExtension} service as it registers; here the caller does it
 * with {@link #add(Architecture)}, {@link #add(String, ExitHandler, String...)} and {@link #add(VmExtension)}, and
 * may remove them again while VMs run (the VMs pause and wait, or move to a replacement, exactly as in Felix).
 * Everything else - vCPU threads, exit dispatch, pause, snapshots - is the same code that runs in the framework
 * bundle. Close it to stop every VM and free its memory.
 */
public final class StandaloneHypervisor implements AutoCloseable {
    private final VmManagerImpl manager = VmManagerImpl.create();

    /** Registers an architecture (service ranking 0). */
    public StandaloneHypervisor add(Architecture architecture) {
        manager.addArchitecture(architecture);
        return this;
    }

    /** Unregisters an architecture: its VMs pause and wait for a replacement, state kept. */
    public void remove(Architecture architecture) {
        manager.removeArchitecture(architecture);
    }

    /** Registers an exit handler for exit classes of one architecture (service ranking 0). */
    public StandaloneHypervisor add(String arch, ExitHandler handler, String... exitClasses) {
        return add(arch, handler, 0, exitClasses);
    }

    /** The same with a service ranking: the highest ranking wins when handlers claim the same exit class. */
    public StandaloneHypervisor add(String arch, ExitHandler handler, int ranking, String... exitClasses) {
        manager.addExitHandler(handler, arch, exitClasses, ranking);
        return this;
    }

    /** Unregisters an exit handler; the VMs that use it are paused while it goes. */
    public void remove(String arch, ExitHandler handler) {
        manager.removeExitHandler(handler, arch);
    }

    /** Registers a VM extension (a device or per-VM plugin); it attaches to the VMs it applies to. */
    public StandaloneHypervisor add(VmExtension extension) {
        manager.addExtension(extension);
        return this;
    }

    /** Unregisters a VM extension; its state is exported while it still works. */
    public void remove(VmExtension extension) {
        manager.removeExtension(extension);
    }

    /** The VM manager: create, start, pause, resume, stop, console, registers. */
    public VmManager vms() {
        return manager;
    }

    /** Exits the architecture resolved inside its vCPUs' run loops (not dispatched to handlers), by class. */
    public Map<String, Long> resolvedExitCounts(int id) {
        return manager.resolvedExitCounts(id);
    }

    /** Guest instructions retired so far by every vCPU of the VM. */
    public long instructionsRetired(int id) {
        return manager.instructionsRetired(id);
    }

    /** The VM's guest clock in nanoseconds (stands still while the VM is not running). */
    public long guestNanos(int id) {
        return manager.guestNanos(id);
    }

    /** Saves a paused or stopped VM to a snapshot file; returns a one-line summary. */
    public String save(int id, Path file) throws IOException {
        return manager.saveSnapshot(id, file);
    }

    /** Restores a snapshot as a new paused VM; returns its id. */
    public int restore(Path file) {
        return manager.restoreSnapshot(file);
    }

    @Override
    public void close() {
        manager.close();
    }
}
