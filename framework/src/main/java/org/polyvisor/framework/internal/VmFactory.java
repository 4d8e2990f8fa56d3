package org.polyvisor.framework.internal;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.polyvisor.api.VmConfig;

/** Makes the VM objects, wired alike whether a VM is created or restored from a snapshot. */
@Singleton
final class VmFactory {
    private final SwapCoordinator swaps;

    @Inject
    VmFactory(SwapCoordinator swaps) {
        this.swaps = swaps;
    }

    /** A VM whose machine rebuild requests ({@code MachineContext.requestRebuild}) go to the swap coordinator. */
    Vm newVm(int id, VmConfig config) {
        return new Vm(id, config, swaps::rebuild);
    }
}
