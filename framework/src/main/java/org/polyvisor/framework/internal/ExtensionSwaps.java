package org.polyvisor.framework.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.spi.VmExtension;

/**
 * The registered {@link VmExtension} services and their hot swap: an extension going away pauses the VMs it is
 * attached to and exports its state through the old code; the VMs wait until an extension of the same id registers,
 * which is attached again and given the state. Runs under the swap lock shared with {@link SwapCoordinator}.
 */
@Singleton
final class ExtensionSwaps {
    private final VmRegistry vms;
    private final SwapLock swapLock;
    private final List<VmExtension> extensions = new CopyOnWriteArrayList<>();

    @Inject
    ExtensionSwaps(VmRegistry vms, SwapLock swapLock) {
        this.vms = vms;
        this.swapLock = swapLock;
    }

    static String hold(String id) {
        return "extension " + id;
    }

    /** A new extension: attached to VMs that wait for its id (their saved state is imported). */
    void add(VmExtension ext) {
        swapLock.lock();
        try {
            extensions.add(ext);
            for (Vm vm : vms.all()) {
                if (vm.extensions.waitsFor(ext.id()) && vm.machine() != null
                        && current(ext.id(), vm.architectureLoader()) == ext) {
                    attachWaiting(vm, ext);
                }
            }
        } finally {
            swapLock.unlock();
        }
    }

    /** Gives a VM that waits for the extension's id its saved state back through {@code ext}, then lets it go. */
    private static void attachWaiting(Vm vm, VmExtension ext) {
        try {
            vm.extensions.attach(ext, vm);
            vm.gate.release(hold(ext.id()));
        } catch (RuntimeException e) {
            vm.gate.setError("VM " + vm.id + ": extension " + ext.id() + " refused the saved state: " + e.getMessage()
                    + " (state kept; VM stays paused)");
        }
    }

    /**
     * An extension is going away: pause the VMs it is attached to and export its state while it still works. VMs
     * attached to another instance of the same id (another bundle revision) are not touched.
     */
    void remove(VmExtension ext) {
        swapLock.lock();
        try {
            List<Vm> affected = vms.all().stream().filter(vm -> vm.extensions.attached(ext.id()) == ext).toList();
            for (Vm vm : affected) {
                vm.gate.requestHold(hold(ext.id()));
            }
            for (Vm vm : affected) {
                vm.awaitParked(hold(ext.id()));
                vm.extensions.detach(ext.id());
            }
            extensions.remove(ext);
            for (Vm vm : affected) {
                VmExtension other = vm.machine() == null ? null : current(ext.id(), vm.architectureLoader());
                if (other != null) { // otherwise the VM waits for the id; add() attaches it when one comes
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
    private VmExtension current(String id, ClassLoader preferred) {
        VmExtension first = null;
        for (VmExtension e : extensions) {
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

    /** A new VM: attaches every extension that applies to its configuration. */
    void attachNew(Vm vm) {
        for (VmExtension ext : extensions) {
            if (ext.appliesTo(vm.config) && !vm.extensions.isAttached(ext.id())) {
                vm.extensions.attach(ext, vm);
            }
        }
    }

    /** After a machine swap: re-attach every extension the VM had; one that is away makes the VM wait for it. */
    void reattach(Vm vm) {
        for (String id : vm.extensions.ids()) {
            if (vm.extensions.isAttached(id)) {
                continue;
            }
            VmExtension ext = current(id, vm.architectureLoader());
            if (ext == null) {
                if (!vm.gate.isHeld(hold(id))) {
                    vm.hold(hold(id));
                }
            } else {
                vm.extensions.attach(ext, vm);
            }
        }
    }

    List<String> ids() {
        return extensions.stream().map(VmExtension::id).sorted().toList();
    }
}
