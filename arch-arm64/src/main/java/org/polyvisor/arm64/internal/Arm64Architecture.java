package org.polyvisor.arm64.internal;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.polyvisor.arm64.internal.hyp.ParticipantRegistry;
import org.polyvisor.arm64.internal.machine.VirtMachine;
import org.polyvisor.arm64.spi.Stage2Provider;
import org.polyvisor.arm64.spi.SysRegTable;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;

/**
 * The AArch64 architecture service: Cortex-A57 vCPUs on a QEMU-virt-compatible machine (GICv3), under a KVM-style
 * hypervisor layer with a VHE or non-VHE host model. Features contribute a stage 2 ({@link Stage2Provider}) and
 * system registers ({@link SysRegTable}) as services, which a machine takes when it is created, and world-switch
 * participants ({@link WorldSwitchParticipant}), which running VMs pick up at their next safe point.
 */
@Component(service = Architecture.class, property = Architecture.PROPERTY + "=arm64")
public final class Arm64Architecture implements Architecture {
    public static final String ID = "arm64";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Stage2Provider stage2Provider;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<SysRegTable> sysRegTables;

    private final ParticipantRegistry participants = new ParticipantRegistry();

    public Arm64Architecture() {
    }

    /** Plain-Java wiring (tests, tools): what DS injects in OSGi. */
    public Arm64Architecture(Stage2Provider stage2Provider, List<SysRegTable> sysRegTables) {
        this.stage2Provider = stage2Provider;
        this.sysRegTables = List.copyOf(sysRegTables);
    }

    @Override
    public String id() {
        return ID;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            service = WorldSwitchParticipant.class, unbind = "removeParticipant")
    public void addParticipant(WorldSwitchParticipant p) {
        participants.add(p);
    }

    public void removeParticipant(WorldSwitchParticipant p) {
        participants.remove(p);
    }

    @Override
    public ArchCapabilities capabilities() {
        return new ArchCapabilities(ID, "AArch64 Cortex-A57 (EL0/EL1 guest, KVM-style EL2) on the QEMU virt machine",
                Map.of("cpu", "cortex-a57", "machine", "virt,gic-version=3", "max-vcpus",
                        String.valueOf(VirtMachine.MAX_VCPUS), "ram-base", "0x40000000", "host-models", "vhe,nvhe",
                        "ipa-bits", "40", "engine", "interpreter"),
                Map.of("host", "vhe|nvhe (default vhe)"));
    }

    @Override
    public Machine createMachine(MachineContext context) {
        List<SysRegTable> extra = sysRegTables;
        return new VirtMachine(context, stage2Provider, extra == null ? List.of() : List.copyOf(extra), participants);
    }
}
