package org.polyvisor.arm64.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.arm64.internal.machine.VirtMachine;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;

/** The AArch64 architecture service: Cortex-A57 vCPUs on a QEMU-virt-compatible machine. */
@Component(service = Architecture.class, property = Architecture.PROPERTY + "=arm64")
public final class Arm64Architecture implements Architecture {
    public static final String ID = "arm64";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ArchCapabilities capabilities() {
        return new ArchCapabilities(ID, "AArch64 Cortex-A57 (EL0/EL1 guest, modelled EL2) on the QEMU virt machine",
                Map.of("cpu", "cortex-a57", "machine", "virt", "max-vcpus", String.valueOf(VirtMachine.MAX_VCPUS),
                        "ram-base", "0x40000000", "host-models", "vhe,nvhe", "engine", "interpreter"),
                Map.of("host", "vhe|nvhe (default vhe)"));
    }

    @Override
    public Machine createMachine(MachineContext context) {
        return new VirtMachine(context);
    }
}
