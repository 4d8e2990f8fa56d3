package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmState;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ExitHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot swap of architectures and exit handlers. When an architecture goes away ({@link #removeArchitecture}, called
 * synchronously while the old service is still usable), every VM built from it is paused at an instruction boundary,
 * its state exported through the old code and the old machine closed; the VM then waits. When an architecture with
 * the same id arrives, the state is imported into a new machine and the VM continues. Exit handlers work the same
 * way: before a handler is removed, the VMs of its architecture are paused, so no exit is ever in flight without a
 * handler; they continue once every exit class that had a handler has one again.
 *
 * <p>One service change at a time (the swap lock, shared with {@link ExtensionSwaps}): the hold/export/import
 * sequences of two swaps (a Felix update during a pv:swap, two DS threads) must not interleave, or one would release
 * VMs the other still holds. Reentrant because an unregistration may hand its VMs to another registered
 * implementation at once.
 */
@Singleton
final class SwapCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(SwapCoordinator.class);
    /** System property: false leaves out the warm-up of a departing architecture before its VMs pause. */
    static final String WARM_DEPARTING = "polyvisor.swap.warmDeparting";

    private final VmRegistry vms;
    private final ArchitectureRegistry architectures;
    private final ExitDispatcher dispatcher;
    private final ExtensionSwaps extensions;
    private final SwapLock swapLock;
    /** Departing implementations already warmed up (see {@link #warmDeparting}); guarded by the swap lock. */
    private final Set<Architecture> warmedDeparting = Collections.newSetFromMap(new WeakHashMap<>());

    @Inject
    SwapCoordinator(VmRegistry vms, ArchitectureRegistry architectures, ExitDispatcher dispatcher,
            ExtensionSwaps extensions, SwapLock swapLock) {
        this.vms = vms;
        this.architectures = architectures;
        this.dispatcher = dispatcher;
        this.extensions = extensions;
        this.swapLock = swapLock;
    }

    static String holdArch(String id) {
        return "architecture " + id;
    }

    static String holdHandlers(String arch) {
        return "exit handlers of " + arch;
    }

    /** A new architecture service: VMs waiting for its id import their state into it and continue. */
    void addArchitecture(Architecture arch, int ranking) {
        swapLock.lock();
        try {
            architectures.add(arch, ranking);
            LOG.info("architecture {} registered ({})", arch.id(), arch.getClass().getName());
            if (architectures.current(arch.id()) == arch) {
                String id = arch.id();
                attach(arch, vms.all().stream().filter(vm -> vm.config.arch().equals(id) && vm.machine() == null)
                        .toList());
            }
        } finally {
            swapLock.unlock();
        }
    }

    /** Gives each of these machine-less VMs a machine from {@code arch} and its saved state; under the swap lock. */
    private void attach(Architecture arch, List<Vm> waiting) {
        String id = arch.id();
        // Attach every waiting VM first and release them together afterwards: released guests compete for the
        // cores, and a coordinator starved by them would stretch every other VM's pause.
        List<Vm> attached = Collections.synchronizedList(new ArrayList<>());
        Parallel.forEach(waiting, vm -> {
            try {
                vm.attach(arch);
                extensions.reattach(vm);
                attached.add(vm);
            } catch (RuntimeException e) {
                String msg = "VM " + vm.id + ": the " + id + " implementation refused the saved state: "
                        + e.getMessage() + " (state kept; VM stays paused)";
                vm.gate.setError(msg);
                LOG.error(msg);
            }
        });
        for (Vm vm : List.copyOf(attached)) {
            vm.gate.release(holdArch(id));
            releaseIfHandlersComplete(vm);
        }
    }

    /** Every VM running on {@code arch} gets its machine built again (tools and tests). */
    void rebuild(Architecture arch, String reason) {
        for (Vm vm : List.copyOf(vms.all())) {
            if (vm.architecture() == arch) {
                rebuild(vm, reason);
            }
        }
    }

    /**
     * {@code MachineContext.requestRebuild}: the VM gets a new machine from its architecture's current code, or waits
     * (with the error) if the new machine refuses its state. An architecture asks for each of its VMs, so every VM is
     * tried once per change.
     */
    void rebuild(Vm vm, String reason) {
        swapLock.lock();
        try {
            if (!vms.contains(vm)) {
                return; // destroyed meanwhile
            }
            String id = vm.config.arch();
            if (vm.machine() != null) {
                vm.gate.requestHold(holdArch(id));
                try {
                    vm.awaitParked(holdArch(id));
                    vm.detach(reason);
                } catch (RuntimeException e) {
                    vm.gate.setError("VM " + vm.id + ": rebuilding its machine (" + reason + ") failed: "
                            + e.getMessage());
                    vm.gate.release(holdArch(id));
                    return;
                }
            }
            Architecture now = architectures.current(id);
            if (now != null) {
                attach(now, List.of(vm)); // a refused state leaves the VM waiting, with the error
            }
            LOG.info("VM {}: machine rebuilt ({}): {}", vm.id, reason, vm.machine() != null ? "running" : "waiting");
        } finally {
            swapLock.unlock();
        }
    }

    /**
     * An architecture service is going away: pause its VMs and export their state through it while it still works.
     * Before the pause, the departing code exports and imports scratch machines of the VMs' shapes
     * ({@link ArchitectureWarmUp}) while the VMs still run: the export path of a revision VMs were only ever attached
     * to has never run, and its class loading, lambda linkage and first interpreted run would otherwise fall into
     * every VM's pause (Felix's in-place {@code update} and {@code refresh} pause twice per swap).
     * {@code -Dpolyvisor.swap.warmDeparting=false} leaves it out (to measure what it saves).
     */
    void removeArchitecture(Architecture arch) {
        swapLock.lock();
        try {
            String id = arch.id();
            List<Vm> affected = vms.all().stream().filter(vm -> vm.architecture() == arch).toList();
            warmDeparting(arch, affected);
            for (Vm vm : affected) {
                vm.gate.requestHold(holdArch(id)); // all VMs stop together: the pause does not grow with the VM count
            }
            Parallel.forEach(affected, vm -> {
                try {
                    vm.awaitParked(holdArch(id));
                    vm.detach("architecture " + id);
                } catch (RuntimeException e) {
                    // the old implementation is going away whatever happens; the VM keeps what it could save
                    String msg = "VM " + vm.id + ": exporting its state from the departing " + id
                            + " implementation failed: " + e.getMessage();
                    vm.gate.setError(msg);
                    LOG.error(msg);
                }
            });
            architectures.remove(arch);
            LOG.info("architecture {} unregistered ({})", id, arch.getClass().getName());
            Architecture replacement = architectures.current(id);
            if (replacement != null) {
                // another implementation of the id is still registered: move the waiting VMs to it at once
                int ranking = architectures.ranking(replacement);
                architectures.remove(replacement);
                addArchitecture(replacement, ranking);
            }
        } finally {
            swapLock.unlock();
        }
    }

    /**
     * Runs the export path of {@code arch} on scratch machines shaped like {@code running}, once per implementation
     * instance, before the first pause its departure causes: the architecture's own unregistration, or its bundle's
     * exit handlers going first (SCR deactivates a stopping bundle's components one by one). Under the swap lock.
     */
    private void warmDeparting(Architecture arch, List<Vm> running) {
        if (running.isEmpty() || !Boolean.parseBoolean(System.getProperty(WARM_DEPARTING, "true"))
                || !warmedDeparting.add(arch)) {
            return;
        }
        try {
            ArchitectureWarmUp.run(arch, running.stream().map(vm -> vm.config).toList());
        } catch (RuntimeException | LinkageError e) {
            // only an optimisation: the VMs are exported through the departing code whatever it did
            LOG.debug("warm-up of the departing {} failed: {}", arch.id(), e.toString());
        }
    }

    /** See {@link VmManagerImpl#migrate}. */
    VmManagerImpl.Migration migrate(Architecture replacement) {
        swapLock.lock();
        try {
            String id = replacement.id();
            architectures.promote(replacement);
            if (architectures.current(id) != replacement) {
                throw new VmException("another implementation of " + id + " has a higher service ranking");
            }
            Map<Vm, Architecture> moving = new LinkedHashMap<>();
            for (Vm vm : vms.all()) {
                Architecture old = vm.architecture();
                if (vm.config.arch().equals(id) && old != null && old != replacement && !isEnded(vm)) {
                    moving.put(vm, old);
                }
            }
            if (moving.isEmpty()) {
                return new VmManagerImpl.Migration(0, List.of(), 0);
            }
            ArchitectureWarmUp.run(replacement, moving.keySet().stream().map(vm -> vm.config).toList());
            String hold = holdArch(id);
            long held = System.nanoTime();
            for (Vm vm : moving.keySet()) {
                vm.gate.requestHold(hold);
            }
            List<String> refused = Collections.synchronizedList(new ArrayList<>());
            Parallel.forEach(List.copyOf(moving.entrySet()), e -> {
                String refusal = move(e.getKey(), e.getValue(), replacement, hold);
                if (refusal != null) {
                    refused.add(refusal);
                }
            });
            for (Vm vm : moving.keySet().stream().filter(vm -> vm.machine() != null).toList()) {
                vm.gate.release(hold);
                releaseIfHandlersComplete(vm);
            }
            long heldNanos = System.nanoTime() - held;
            LOG.info("architecture {}: {} VM(s) moved to {} in a {} us pause", id, moving.size() - refused.size(),
                    replacement.getClass().getName(), heldNanos / 1000);
            return new VmManagerImpl.Migration(moving.size() - refused.size(), List.copyOf(refused), heldNanos);
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
            vm.gate.setError(msg);
            LOG.error(msg);
            return msg;
        }
        try {
            vm.attach(replacement);
            extensions.reattach(vm);
            return null;
        } catch (RuntimeException ex) {
            msg = "VM " + vm.id + ": the new " + id + " implementation refused the state: " + ex.getMessage();
        }
        try {
            vm.attach(old); // the old code exported this state a moment ago, so it takes it back
            extensions.reattach(vm);
            msg += " (the VM stays on the previous implementation)";
        } catch (RuntimeException again) {
            msg += "; the previous implementation refused it too: " + again.getMessage()
                    + " (state kept; VM stays paused)";
        }
        vm.gate.setError(msg);
        LOG.error(msg);
        return msg;
    }

    void addExitHandler(ExitHandler handler, String arch, String[] exitClasses, int ranking) {
        swapLock.lock();
        try {
            dispatcher.add(handler, arch, exitClasses, ranking);
            for (Vm vm : vms.all()) {
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
    void removeExitHandler(ExitHandler handler, String arch) {
        swapLock.lock();
        try {
            // a handler of the architecture's own bundle: the bundle is stopping, its architecture goes next
            List<Vm> sameBundle = vms.all().stream().filter(vm -> !isEnded(vm) && vm.architecture() != null
                    && vm.architectureLoader() == handler.getClass().getClassLoader()).toList();
            Architecture departing = sameBundle.isEmpty() ? null : sameBundle.get(0).architecture();
            if (departing != null) {
                warmDeparting(departing, sameBundle.stream().filter(vm -> vm.architecture() == departing).toList());
            }
            List<Vm> held = new ArrayList<>();
            for (Vm vm : vms.all()) {
                if (vm.config.arch().equals(arch) && !isEnded(vm)
                        && (vm.architecture() == null || dispatcher.selects(arch, vm.architectureLoader(), handler))) {
                    vm.gate.requestHold(holdHandlers(arch));
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
        if (vm.gate.isHeld(holdHandlers(arch)) && dispatcher.missingClasses(arch).isEmpty()) {
            vm.gate.release(holdHandlers(arch));
        }
    }

    private static boolean isEnded(Vm vm) {
        VmState s = vm.state();
        return s == VmState.STOPPED || s == VmState.FAILED;
    }
}
