package org.polyvisor.arm64.internal;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.polyvisor.arm64.internal.hyp.DefaultStage2;
import org.polyvisor.arm64.internal.hyp.HostMachine;
import org.polyvisor.arm64.internal.hyp.PcpuProfile;
import org.polyvisor.arm64.internal.hyp.ParticipantRegistry;
import org.polyvisor.arm64.internal.hyp.VheDaif;
import org.polyvisor.arm64.internal.machine.VirtMachine;
import org.polyvisor.arm64.spi.Stage2Configurator;
import org.polyvisor.arm64.spi.Stage2Provider;
import org.polyvisor.arm64.spi.SysRegTable;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.ArchOption;
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

    private volatile Stage2Provider stage2Provider;

    /**
     * The per-VM stage-2 configuration (feature-stage2). It is asked once, when a machine is built: the VM's tables are
     * the architecture's own, so a replaced or departed configurator leaves no code in running VMs; a machine rebuilt
     * later (a swap, a restore) asks the configurator present then.
     */
    private volatile Stage2Configurator stage2Configurator;

    /** DS unbind (and plain-Java wiring): only the bound configurator is removed. */
    public void unsetStage2Configurator(Stage2Configurator c) {
        if (stage2Configurator == c) {
            stage2Configurator = null;
        }
    }

    /** A stage-2 configurator (feature-stage2) arrived, or a better-ranked one: new machines get their VTCR from it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetStage2Configurator")
    public void setStage2Configurator(Stage2Configurator c) {
        stage2Configurator = c;
    }

    /**
     * A stage-2 provider came (or a better-ranked one, or a new revision of it): machines are rebuilt with it, so no
     * VM keeps translating through code that is being replaced. (The Stage2 SPI has no state of its own to carry:
     * translations are rebuilt from the VM's configuration and memory on the new machine's first faults.)
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetStage2Provider")
    public void setStage2Provider(Stage2Provider provider) {
        stage2Provider = provider;
        rebuildMachines("stage-2 provider " + provider.getClass().getName() + " bound");
    }

    /** The stage-2 provider goes away (its code still works here): machines are rebuilt with the default stage 2. */
    public void unsetStage2Provider(Stage2Provider provider) {
        if (stage2Provider == provider) {
            stage2Provider = null;
            rebuildMachines("stage-2 provider " + provider.getClass().getName() + " unbound");
        }
    }

    /**
     * Feature system-register tables. Two bundle revisions of a feature may register a table of the same name at once
     * (a side-by-side swap): the newest registration of a name is the one machines get.
     */
    private final java.util.LinkedHashMap<SysRegTable, String> sysRegTables = new java.util.LinkedHashMap<>();

    /**
     * Every VM this architecture built a machine for (weakly: a destroyed VM's context goes away by itself), so that
     * a change in what machines are built from reaches the running ones and the ones waiting for a feature.
     */
    private final java.util.Set<MachineContext> contexts =
            Collections.newSetFromMap(new WeakHashMap<>());

    private final ParticipantRegistry participants = new ParticipantRegistry();

    /** The modelled host machine this bundle instance runs VMs on: host memory, stage-2 table pool, PEs. */
    private final HostMachine host;

    /**
     * The host as the framework's JVM describes it: {@code polyvisor.arm64.pcpus} and the per-CPU profiles
     * ({@link PcpuProfile}); without them every vCPU gets a physical CPU of its own.
     */
    public Arm64Architecture() {
        this(new HostMachine(PcpuProfile.fromSettings(System::getProperty)));
    }

    /** A given host machine (tests, tools: shared physical CPUs, mismatched CPU profiles). */
    public Arm64Architecture(HostMachine host) {
        this.host = host;
    }

    /** The modelled host machine (its shared physical CPUs, if any, for tests and diagnostics). */
    public HostMachine host() {
        return host;
    }

    /** Plain-Java wiring (tests, tools): what DS injects in OSGi. */
    public Arm64Architecture(Stage2Provider stage2Provider, List<SysRegTable> sysRegTables) {
        this.host = new HostMachine();
        this.stage2Provider = stage2Provider;
        for (SysRegTable t : sysRegTables) {
            this.sysRegTables.put(t, t.name());
        }
    }

    /**
     * A feature's system registers arrived (or a new revision of them): running machines are rebuilt with the
     * current tables, so no VM keeps running the code of a table that is being replaced, and a VM that waited for
     * the feature gets its registers back. (A rebuild gives every machine the current tables: a VM created before
     * a feature was installed sees its registers from then on.)
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeSysRegTable")
    public void addSysRegTable(SysRegTable table) {
        synchronized (sysRegTables) {
            sysRegTables.put(table, table.name());
        }
        rebuildMachines("system registers '" + table.name() + "' registered");
    }

    /**
     * A feature's system registers are going away (called while their code still works): machines are rebuilt
     * without them; a VM that used them waits for the feature, its register values kept in the saved state.
     */
    public void removeSysRegTable(SysRegTable table) {
        boolean inUse = currentSysRegTables().contains(table); // not if a newer revision replaced it already
        synchronized (sysRegTables) {
            sysRegTables.remove(table);
        }
        if (inUse) {
            rebuildMachines("system registers '" + table.name() + "' unregistered");
        }
    }

    private void rebuildMachines(String reason) {
        List<MachineContext> all;
        synchronized (contexts) {
            all = List.copyOf(contexts);
        }
        for (MachineContext c : all) {
            c.requestRebuild(reason);
        }
    }

    /** The tables a new machine gets: per name, the newest registration. */
    private List<SysRegTable> currentSysRegTables() {
        java.util.Map<String, SysRegTable> byName = new java.util.LinkedHashMap<>();
        synchronized (sysRegTables) {
            sysRegTables.forEach((t, name) -> {
                byName.remove(name); // re-insert: a later registration of a name replaces the earlier one
                byName.put(name, t);
            });
        }
        return List.copyOf(byName.values());
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
                183 /* EM_AARCH64 */, Map.of("cpu", "cortex-a57", "machine", "virt,gic-version=3", "max-vcpus",
                        String.valueOf(VirtMachine.MAX_VCPUS), "ram-base", "0x40000000", "host-models", "vhe,nvhe",
                        "ipa-bits", String.valueOf(maxIpaBits()), "engine", "interpreter",
                        // live save (pv:save --live): the hypervisor layer write-protects stage 2 (KVM's dirty log)
                        ArchCapabilities.DIRTY_LOG, "stage-2 write protection"),
                List.of(new ArchOption("host", "vhe|nvhe", "vhe", "host kernel model at EL2 (KVM's VHE or nVHE)"),
                        new ArchOption(VheDaif.OPTION, "upstream|leak|saverestore|clear-d-a-f", "upstream",
                                "host DAIF around the VHE world switch (host=vhe only; designs from the 2017 thread)"),
                        new ArchOption("ipa", "bits", "40", "stage 2 input address size, 32.." + maxIpaBits()
                                + " (other than 40 needs feature-stage2)"),
                        new ArchOption("s2granule", "4k|16k|64k", "4k", "stage 2 granule (others need feature-stage2)"),
                        new ArchOption("highmem", "bytes", "", "second RAM slot ending at the top of the IPA space"),
                        new ArchOption("spe", "on|off", "off",
                                "Statistical Profiling Extension for the guest (host=vhe only; needs feature-spe)")));
    }

    /** KVM_CAP_ARM_VM_IPA_SIZE: the configurator's limit for this host, or the built-in 40 bits. */
    private int maxIpaBits() {
        Stage2Configurator c = stage2Configurator;
        return c == null ? DefaultStage2.IPA_BITS : c.maxIpaBits(host);
    }

    @Override
    public Machine createMachine(MachineContext context) {
        Machine m = new VirtMachine(context, stage2Provider, stage2Configurator, currentSysRegTables(), participants,
                host);
        synchronized (contexts) {
            contexts.add(context);
        }
        return m;
    }
}
