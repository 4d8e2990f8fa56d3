package org.polyvisor.ppc.internal;

import java.nio.file.Path;
import java.util.Map;

/** Lets benchmarks in other packages run a {@link LocalVm} (which is package-private test code). */
public final class LocalVmAccess {
    private LocalVmAccess() {
    }

    /** Runs the guest to power-off on the calling thread; returns the instructions it retired. */
    public static long instructions(Path elf) {
        try (LocalVm vm = new LocalVm(elf, Map.of()).runToEnd()) {
            return vm.vcpu.instructionsRetired();
        }
    }

    /** Runs the guest to power-off on the calling thread; returns how many exits of the interrupt it took. */
    public static long runAndCountExits(Path elf, Map<String, String> options, int ivor) {
        try (LocalVm vm = new LocalVm(elf, options).runToEnd()) {
            return vm.vcpu.hypervisor().stats.get(ivor);
        }
    }
}
