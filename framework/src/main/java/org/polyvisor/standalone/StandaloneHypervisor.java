package org.polyvisor.standalone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.polyvisor.api.VmManager;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.ExitObserver;
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

    /** A hypervisor with no architectures, handlers or extensions yet: add them before creating VMs. */
    public StandaloneHypervisor() {
        // the manager is a field initialiser
    }

    /**
     * Registers an architecture (service ranking 0).
     *
     * @param architecture the architecture; its {@link Architecture#id()} is what VM configurations name
     * @return this hypervisor, to chain registrations
     */
    public StandaloneHypervisor add(Architecture architecture) {
        manager.addArchitecture(architecture);
        return this;
    }

    /**
     * Unregisters an architecture: its VMs pause and wait for a replacement, state kept.
     *
     * @param architecture the instance passed to {@link #add(Architecture)}
     */
    public void remove(Architecture architecture) {
        manager.removeArchitecture(architecture);
    }

    /**
     * Registers an exit handler for exit classes of one architecture (service ranking 0).
     *
     * @param arch        the architecture id
     * @param handler     the handler
     * @param exitClasses the exit classes it takes, for example {@code HVC64}
     * @return this hypervisor, to chain registrations
     */
    public StandaloneHypervisor add(String arch, ExitHandler handler, String... exitClasses) {
        return add(arch, handler, 0, exitClasses);
    }

    /**
     * Registers an exit handler with a service ranking: the highest ranking wins when handlers claim the same exit
     * class.
     *
     * @param arch        the architecture id
     * @param handler     the handler
     * @param ranking     its service ranking
     * @param exitClasses the exit classes it takes
     * @return this hypervisor, to chain registrations
     */
    public StandaloneHypervisor add(String arch, ExitHandler handler, int ranking, String... exitClasses) {
        manager.addExitHandler(handler, arch, exitClasses, ranking);
        return this;
    }

    /**
     * Unregisters an exit handler; the VMs that use it are paused while it goes.
     *
     * @param arch    the architecture id it was registered for
     * @param handler the instance passed to {@code add}
     */
    public void remove(String arch, ExitHandler handler) {
        manager.removeExitHandler(handler, arch);
    }

    /**
     * Registers an exit observer: it sees every architecture exit of every VM from the next one on, without
     * handling it; no VM pauses.
     *
     * @param observer the observer
     * @return this hypervisor, to chain registrations
     */
    public StandaloneHypervisor add(ExitObserver observer) {
        manager.addExitObserver(observer);
        return this;
    }

    /**
     * Unregisters an exit observer; no VM pauses, later exits no longer reach it.
     *
     * @param observer the instance passed to {@link #add(ExitObserver)}
     */
    public void remove(ExitObserver observer) {
        manager.removeExitObserver(observer);
    }

    /**
     * Registers a VM extension (a device or per-VM plugin); it attaches to the VMs it applies to.
     *
     * @param extension the extension
     * @return this hypervisor, to chain registrations
     */
    public StandaloneHypervisor add(VmExtension extension) {
        manager.addExtension(extension);
        return this;
    }

    /**
     * Unregisters a VM extension; its state is exported while it still works.
     *
     * @param extension the instance passed to {@link #add(VmExtension)}
     */
    public void remove(VmExtension extension) {
        manager.removeExtension(extension);
    }

    /**
     * The VM manager: create, start, pause, resume, stop, console, registers.
     *
     * @return the manager, the same implementation the framework bundle registers as a service
     */
    public VmManager vms() {
        return manager;
    }

    /**
     * Feeds bytes to a VM's console input (the UART's receive side), as {@code pv:type} does in the shell.
     *
     * @param id    the VM
     * @param bytes what the guest reads, in order
     */
    public void typeConsole(int id, byte[] bytes) {
        manager.typeConsole(id, bytes);
    }

    /**
     * Exits the architecture resolved inside its vCPUs' run loops (not dispatched to handlers), by class.
     *
     * @param id the VM
     * @return count by exit class
     */
    public Map<String, Long> resolvedExitCounts(int id) {
        return manager.resolvedExitCounts(id);
    }

    /**
     * Guest instructions retired so far by every vCPU of the VM.
     *
     * @param id the VM
     * @return the sum over its vCPUs
     */
    public long instructionsRetired(int id) {
        return manager.instructionsRetired(id);
    }

    /**
     * The VM's guest clock (stands still while the VM is not running).
     *
     * @param id the VM
     * @return guest nanoseconds
     */
    public long guestNanos(int id) {
        return manager.guestNanos(id);
    }

    /**
     * Saves a paused or stopped VM to a snapshot file.
     *
     * @param id   the VM
     * @param file where to write the snapshot
     * @return a one-line summary of what was saved
     * @throws IOException if the file cannot be written
     */
    public String save(int id, Path file) throws IOException {
        return manager.saveSnapshot(id, file);
    }

    /**
     * Restores a snapshot as a new paused VM.
     *
     * @param file a file written by {@link #save}
     * @return the new VM's id
     */
    public int restore(Path file) {
        return manager.restoreSnapshot(file);
    }

    @Override
    public void close() {
        manager.close();
    }
}
