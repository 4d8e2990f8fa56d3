package org.polyvisor.ppc.internal;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.ArchOption;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;

/** The ppc-booke architecture: QEMU ppce500 machines with an e500mc core, guests run in guest state (MSR[GS]=1). */
@Component(service = Architecture.class, property = Architecture.PROPERTY + "=" + PpcArchitecture.ID)
public final class PpcArchitecture implements Architecture {
    public static final String ID = "ppc-booke";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ArchCapabilities capabilities() {
        return new ArchCapabilities(ID, "PowerPC e500mc (Book E, Embedded.Hypervisor) on a KVM-e500mc-style hypervisor,"
                + " QEMU ppce500 machine", 20 /* EM_PPC */, Map.of("cpu", "e500mc", "pvr", "0x80230020", "max-vcpus", "1",
                "machine", "ppce500", "last-instruction", "tlbsearch,lwepx"), List.of(
                new ArchOption("lastinst", "tlbsearch|lwepx", "tlbsearch", "how the hypervisor reads the guest's last instruction"),
                new ArchOption("mmu", "v1|v2", "v1", "MMU architecture version the guest sees"),
                new ArchOption("jit", "on|off|N", "on", "executions before a guest block is compiled (on = 32)")));
    }

    @Override
    public Machine createMachine(MachineContext context) {
        return new PpcMachine(context);
    }
}
