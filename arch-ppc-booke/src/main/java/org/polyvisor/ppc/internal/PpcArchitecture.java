package org.polyvisor.ppc.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.ppc.internal.machine.PpcMachine;
import org.polyvisor.ppc.internal.machine.PpcOptions;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;

/** The ppc-booke architecture: QEMU ppce500 machines with an e500mc core, guests run in guest state (MSR[GS]=1). */
@Component(service = Architecture.class, property = Architecture.PROPERTY + "=" + PpcArchitecture.ID)
public final class PpcArchitecture implements Architecture {
    public static final String ID = "ppc-booke";
    /** ELF e_machine of 32-bit PowerPC images (System V ABI, PowerPC supplement). */
    static final int EM_PPC = 20;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ArchCapabilities capabilities() {
        return new ArchCapabilities(ID, "PowerPC e500mc (Book E, Embedded.Hypervisor) on a KVM-e500mc-style hypervisor,"
                + " QEMU ppce500 machine", EM_PPC, Map.of("cpu", "e500mc", "pvr", "0x80230020", "max-vcpus", "1",
                "machine", "ppce500", "last-instruction", "tlbsearch,lwepx"), PpcOptions.DECLARED);
    }

    @Override
    public Machine createMachine(MachineContext context) {
        return new PpcMachine(context);
    }
}
