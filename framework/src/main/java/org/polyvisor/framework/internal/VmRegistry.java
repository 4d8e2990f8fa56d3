package org.polyvisor.framework.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.api.VmException;

/** The VMs by id, and the next id to give. Lock-free reads; VMs are added once they are fully built. */
@Singleton
final class VmRegistry {
    private final Map<Integer, Vm> vms = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);

    @Inject
    VmRegistry() {
    }

    int nextId() {
        return nextId.getAndIncrement();
    }

    void add(Vm vm) {
        vms.put(vm.id, vm);
    }

    void remove(Vm vm) {
        vms.remove(vm.id, vm);
    }

    /** The VM with this id; an unknown id is refused with the ids there are. */
    Vm get(int id) {
        Vm vm = vms.get(id);
        if (vm == null) {
            throw new VmException("no VM " + id + " (pv:list shows the VMs)");
        }
        return vm;
    }

    /** True while this very VM is registered (it may have been destroyed meanwhile). */
    boolean contains(Vm vm) {
        return vms.get(vm.id) == vm;
    }

    Collection<Vm> all() {
        return vms.values();
    }

    /** The VMs in id order. */
    List<Vm> sorted() {
        return List.copyOf(new TreeMap<>(vms).values());
    }
}
