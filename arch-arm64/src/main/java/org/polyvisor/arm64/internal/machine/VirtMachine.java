package org.polyvisor.arm64.internal.machine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongPredicate;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.sysreg.SysRegFile;
import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.DefaultStage2;
import org.polyvisor.arm64.internal.hyp.GuestClockCounter;
import org.polyvisor.arm64.internal.hyp.GuestPaRange;
import org.polyvisor.arm64.internal.hyp.GuestTraps;
import org.polyvisor.arm64.internal.hyp.HostMachine;
import org.polyvisor.arm64.internal.hyp.HostModel;
import org.polyvisor.arm64.internal.hyp.HypConstants;
import org.polyvisor.arm64.internal.hyp.IdentityStage2;
import org.polyvisor.arm64.internal.hyp.ParticipantRegistry;
import org.polyvisor.arm64.internal.hyp.PhysicalCpu;
import org.polyvisor.arm64.internal.hyp.Stage2Geometry;
import org.polyvisor.arm64.internal.hyp.VcpuDirectory;
import org.polyvisor.arm64.internal.hyp.VcpuSessions;
import org.polyvisor.arm64.internal.hyp.VheDaif;
import org.polyvisor.arm64.internal.hyp.VmidAllocator;
import org.polyvisor.arm64.internal.machine.gic.GicCpuInterface;
import org.polyvisor.arm64.internal.machine.gic.GicDistributor;
import org.polyvisor.arm64.internal.machine.gic.GicRedistributors;
import org.polyvisor.arm64.internal.machine.gic.GicV3;
import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.arm64.spi.Stage2Configurator;
import org.polyvisor.arm64.spi.Stage2Provider;
import org.polyvisor.arm64.spi.SysRegTable;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.spi.DirtyLog;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.StateIncompatibleException;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;

/**
 * QEMU's {@code virt} machine with {@code gic-version=3} as bare-metal guests see it: RAM at 0x4000_0000, PL011 at
 * 0x0900_0000, GICv3 distributor at 0x0800_0000 and redistributors at 0x080A_0000, Cortex-A57 vCPUs entered at EL1h
 * with the MMU off, secondaries off until PSCI CPU_ON, MPIDR = 0x8000_0000 | index (Aff0) as QEMU assigns it.
 */
public final class VirtMachine implements Machine, VcpuDirectory {
    /** ID_AA64PFR0_EL1.GIC = 0b0001: the GICv3 system-register CPU interface is implemented (bits 27:24). */
    private static final long ID_AA64PFR0_GIC_SYSREGS = 1L << 24;
    public static final long RAM_BASE = 0x4000_0000L;
    /** QEMU's LEGACY_RAMLIMIT: RAM may reach 255 GiB above its base. */
    public static final long RAM_MAX = 255L << 30;
    public static final long UART_BASE = 0x0900_0000L;
    public static final int MAX_VCPUS = 8;
    static final String SPE_OPTION = "spe";
    static final Map<String, String> OPTIONS = Map.of(HostModel.OPTION,
            "vhe|nvhe (default vhe): host model of the hypervisor layer",
            VheDaif.OPTION, "upstream|leak|saverestore|clear-d-a-f (default upstream, host=vhe only): the host's DAIF"
                    + " around the VHE world switch",
            Stage2Configurator.OPTION_IPA, "IPA bits (0 or absent: 40); other sizes need feature-stage2 (per-VM VTCR)",
            Stage2Configurator.OPTION_GRANULE, "4k|16k|64k stage-2 granule (default 4k; others need feature-stage2)",
            Stage2Setup.OPTION_HIGHMEM, "bytes (k/m/g suffix) of a second RAM slot ending at the top of the IPA space",
            SPE_OPTION, "off|on (default off, host=vhe only; needs feature-spe): the Statistical Profiling Extension"
                    + " for the guest (ID_AA64DFR0_EL1.PMSVer = 1)");
    /** ID_AA64DFR0_EL1.PMSVer = 1 (FEAT_SPE), bits [35:32]. */
    private static final long DFR0_PMSVER_SPE = 1L << 32;

    private final MachineContext context;
    /** spe=on: the guest sees PMSVer = 1. */
    private final boolean spe;
    private final List<Arm64Vcpu> vcpus = new ArrayList<>();
    private final Pl011 uart;
    private final GicV3 gic;
    private final HostModel hostModel;
    private final VheDaif vheDaif;
    private final int vmid;
    /** Real stage-2 tables (no provider), or null when a provider's translation callback is the stage 2. */
    private final DefaultStage2 stage2;
    private final IdentityStage2 identity;
    private final HostMachine host;
    private final boolean ownHost;
    /** The system counter all vCPUs read: the VM's guest clock. */
    private final GuestClockCounter counter;
    /** Names of the feature system-register tables this machine was built with (recorded in its state). */
    private final Set<String> featureTables = new TreeSet<>();
    /** The feature tables themselves, asked at export whether a PE needs them. */
    private final List<SysRegTable> extraTables;
    private static final String SYSREG_TABLE_PREFIX = "sysregs.";
    private final Map<String, Map<Integer, StateSnapshot>> parked = new HashMap<>();

    public VirtMachine(MachineContext context) {
        this(context, null, null, List.of(), new ParticipantRegistry(), null);
    }

    /**
     * @param stage2Provider supplies stage 2 as a translation callback, or null for real stage-2 tables
     * @param configurator   chooses the VM's VTCR_EL2 (IPA size, granule), or null for the built-in one (40-bit, 4K)
     * @param extraSysRegs   system-register tables contributed by features, after the Cortex-A57 and GIC ones
     * @param participants   world-switch participants registered with the architecture
     * @param host           the host machine the VM runs on (its memory, stage-2 pool and PEs), or null for one of
     *                       its own
     */
    public VirtMachine(MachineContext context, Stage2Provider stage2Provider, Stage2Configurator configurator,
                       List<SysRegTable> extraSysRegs, ParticipantRegistry participants, HostMachine host) {
        this.context = context;
        this.ownHost = host == null;
        this.host = host == null ? new HostMachine() : host;
        VmConfig cfg = context.config();
        for (String k : cfg.options().keySet()) {
            if (!OPTIONS.containsKey(k)) {
                throw new VmException("arm64: unknown VM option '" + k + "'; allowed: " + OPTIONS.keySet());
            }
        }
        hostModel = HostModel.of(cfg);
        vheDaif = VheDaif.of(cfg, hostModel);
        Stage2Geometry geometry = stage2Provider == null
                ? Stage2Setup.geometry(cfg.options(), configurator, this.host) : this.host.defaultGeometry();
        spe = speOption(cfg, hostModel, extraSysRegs);
        if (cfg.vcpus() > MAX_VCPUS) {
            throw new VmException("arm64: " + cfg.vcpus() + " vCPUs requested, the virt machine model allows 1.."
                    + MAX_VCPUS);
        }
        if (cfg.memoryBytes() > RAM_MAX || (cfg.memoryBytes() & 0xFFFF) != 0) {
            throw new VmException("arm64: memory of " + cfg.memoryBytes() + " bytes does not fit: must be a multiple"
                    + " of 64 KiB and at most 255 GiB (RAM at 0x40000000)");
        }
        context.memory().addSlot(0, new GuestPhysicalAddress(RAM_BASE), cfg.memoryBytes(), false);
        Stage2Setup.layOut(cfg.options(), geometry, context.memory(), RAM_BASE + cfg.memoryBytes());
        uart = new Pl011(context.console());
        context.mmio().map(new GuestPhysicalAddress(UART_BASE), 0x1000, uart);
        gic = new GicV3(cfg.vcpus());
        context.mmio().map(new GuestPhysicalAddress(GicDistributor.BASE), GicDistributor.SIZE, new GicDistributor(gic));
        GicRedistributors redist = new GicRedistributors(gic);
        context.mmio().map(new GuestPhysicalAddress(GicRedistributors.BASE), redist.size(), redist);
        vmid = VmidAllocator.next();
        identity = new IdentityStage2(context.memory());
        stage2 = stage2Provider == null ? new DefaultStage2(this.host, context.memory(), vmid, geometry) : null;
        Stage2 s2 = stage2Provider == null ? null : stage2Provider.stage2For(context, identity);
        counter = new GuestClockCounter(context.clock());
        for (SysRegTable t : extraSysRegs) {
            featureTables.add(t.name());
        }
        extraTables = List.copyOf(extraSysRegs);
        for (int i = 0; i < cfg.vcpus(); i++) {
            vcpus.add(createVcpu(i, s2, extraSysRegs, participants));
        }
        participants.listen(onParticipantsChanged);
        // Exits resolved inside run() still show in pv:exits, next to the ones the framework dispatches.
        LongAdder faultCounter = context.resolvedExitCounter("STAGE2_FAULT");
        identity.countFaultsIn(faultCounter);
        if (stage2 != null) {
            stage2.countFaultsIn(faultCounter);
        }
        LongAdder irq = context.resolvedExitCounter("IRQ");
        for (Arm64Vcpu v : vcpus) {
            v.countIrqExitsIn(irq);
        }
    }

    /**
     * A participant came or went: every vCPU reconciles its sessions before this returns, so that a leaving
     * participant's state is exported while its code is still there. A vCPU inside run() is kicked and reconciles
     * at its next block boundary; one outside run() (between exits, paused, stopped) is reconciled here, on the
     * binder's thread, while it cannot enter run(). No timing guess decides which is which.
     */
    private final Runnable onParticipantsChanged = () -> {
        for (Arm64Vcpu v : vcpus) {
            v.kick();
        }
        // bound: a vCPU inside run() reconciles within a block; one that does not (a host thread starved for a
        // second) reconciles when it next leaves run(), as before this bound
        long deadline = System.nanoTime() + 1_000_000_000L;
        for (Arm64Vcpu v : vcpus) {
            while (!v.participantsCurrent() && !v.syncParticipantsIfOutside() && System.nanoTime() < deadline) {
                Thread.yield();
            }
        }
    };

    private Arm64Vcpu createVcpu(int i, Stage2 s2, List<SysRegTable> extraSysRegs, ParticipantRegistry participants) {
        Arm64Vcpu[] self = new Arm64Vcpu[1];
        GicCpuInterface icc = new GicCpuInterface(gic, i, () -> self[0].sampleTimer());
        LongPredicate isDevice = ipa -> context.mmio().isMapped(new GuestPhysicalAddress(ipa));
        SysRegFile regs = SysRegFile.cortexA57(concat(List.of(icc), extraSysRegs));
        Core core = s2 == null ? new Core(host.memory(), host.domain(), isDevice, regs, counter)
                : new Core(context.memory(), s2, isDevice, regs, counter);
        Cpu cpu = core.cpu;
        long mpidr = 0x8000_0000L | i;
        // A GICv3 system-register CPU interface is present: ID_AA64PFR0_EL1.GIC = 1, as KVM shows it with a vGICv3
        // and QEMU with gic-version=3 (guests such as Linux check it before touching ICC_* registers).
        cpu.sys[cpu.regs.index("ID_AA64PFR0_EL1")] |= ID_AA64PFR0_GIC_SYSREGS;
        cpu.sys[cpu.regs.index("VMPIDR_EL2")] = mpidr;
        if (stage2 != null) {
            GuestPaRange.cover(cpu, stage2.table().geometry().ipaBits());
        }
        cpu.sys[cpu.regs.index("MPIDR_EL1")] = mpidr;
        if (spe) {
            cpu.sys[cpu.regs.index("ID_AA64DFR0_EL1")] |= DFR0_PMSVER_SPE;
        }
        // The virtual counter starts at zero when the VM is created, on every vCPU (KVM: CNTVOFF per VM): guest time
        // is zero then, so CNTVOFF is 0; a machine built later for the same VM (swap, restore) continues its time.
        GuestTraps traps = new GuestTraps(hostModel, vmid, 0);
        PhysicalCpu hw = new PhysicalCpu(core, hostModel, i, vheDaif);
        hostDefaults(hw);
        traps.inheritHpmn(hw.read("MDCR_EL2"));
        self[0] = new Arm64Vcpu(i, hw, traps, new VcpuSessions(i, participants, parked), gic, mpidr);
        if (stage2 != null) {
            self[0].useStage2(stage2);
            if (host.pcpus() != null) {
                self[0].shareOn(host.pcpus()); // polyvisor.arm64.pcpus: time-share the host's physical CPUs
            }
        }
        return self[0];
    }

    /**
     * spe=on: only on the VHE host model (the guest's buffer is filled through a hypervisor-owned copy buffer, which
     * "KVM: arm64: A new approach for SPE support" (2022) supports only with VHE) and only when a feature contributes
     * the SPE registers.
     */
    private static boolean speOption(VmConfig cfg, HostModel host, List<SysRegTable> tables) {
        String v = cfg.options().getOrDefault(SPE_OPTION, "off");
        if (v.equals("off")) {
            return false;
        }
        if (!v.equals("on")) {
            throw new VmException("arm64: option spe=" + v + " is not understood; use spe=on or spe=off");
        }
        if (host != HostModel.VHE) {
            throw new VmException("arm64: option spe=on needs host=vhe: guest SPE profiles into a buffer the"
                    + " hypervisor owns at EL2 and copies it to the guest, which is built for VHE hosts only (as the"
                    + " 2022 KVM series); run the VM with host=vhe or without spe");
        }
        boolean present = tables.stream().flatMap(t -> t.registers().stream())
                .anyMatch(r -> r.name().equals("PMSIDR_EL1"));
        if (!present) {
            throw new VmException("arm64: option spe=on needs the SPE system registers, which no installed feature"
                    + " provides; install feature-spe (bundle org.polyvisor.feature.spe) or run without spe");
        }
        return true;
    }

    private static List<SysRegTable> concat(List<SysRegTable> a, List<SysRegTable> b) {
        List<SysRegTable> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The physical CPU as the host kernel left it before its first KVM_RUN. */
    private void hostDefaults(PhysicalCpu hw) {
        boolean vhe = hostModel == HostModel.VHE;
        hw.write("HCR_EL2", vhe ? HypConstants.HCR_HOST_VHE_FLAGS : HypConstants.HCR_HOST_NVHE_FLAGS);
        hw.write("MDCR_EL2", vhe ? HypConstants.MDCR_HOST_VHE : HypConstants.MDCR_HOST_NVHE);
        hw.write("CPTR_EL2", vhe ? HypConstants.CPTR_HOST_VHE : HypConstants.CPTR_HOST_NVHE);
        hw.write("VTTBR_EL2", 0);
        hw.write("VTCR_EL2", host.defaultGeometry().vtcr()); // __init_stage2_translation: once, for every VM
        hw.write("CNTVOFF_EL2", 0);
        hw.write("VBAR_EL2", vhe ? 0xFFFF_8000_0801_0800L : HypConstants.HYP_VECTORS);
    }

    public HostModel hostModel() {
        return hostModel;
    }

    public GicV3 gic() {
        return gic;
    }

    /** The VM's stage-2 tables, or null when a Stage2Provider's callback translates. */
    public DefaultStage2 stage2() {
        return stage2;
    }

    public HostMachine host() {
        return host;
    }

    /** Write-protect based dirty logging on the VM's stage-2 tables; none with a translation-callback stage 2. */
    @Override
    public DirtyLog dirtyLog() {
        return stage2 == null ? null : stage2.dirtyLog();
    }

    public int vmid() {
        return vmid;
    }

    @Override
    public int vcpuCount() {
        return vcpus.size();
    }

    @Override
    public Vcpu vcpu(int index) {
        return vcpus.get(index);
    }

    /** The vCPU with this MPIDR affinity (Aff3..Aff0), or null (PSCI INVALID_PARAMS). */
    @Override
    public Arm64Vcpu vcpuByMpidr(long mpidr) {
        long aff = mpidr & 0xFF_00FF_FFFFL;
        for (Arm64Vcpu v : vcpus) {
            if ((v.mpidr() & 0xFF_00FF_FFFFL) == aff) {
                return v;
            }
        }
        return null;
    }

    @Override
    public void boot(ElfImage image) {
        image.require(ElfImage.EM_AARCH64, true, false, "arm64");
        image.loadInto(context.memory());
        for (Arm64Vcpu v : vcpus) {
            v.boot(image.entry(), v.index() == 0);
        }
    }

    @Override
    public StateSnapshot exportState() {
        StateSnapshot.Builder b = StateSnapshot.builder("arm64.virt", 2).child("pl011", uart.exportState())
                .child("gic", gic.exportState()).value("host.vhe", hostModel == HostModel.VHE ? 1 : 0);
        for (SysRegTable t : extraTables) {
            if (vcpus.stream().anyMatch(v -> t.needed(v.core()))) {
                b.flag(SYSREG_TABLE_PREFIX + t.name(), true); // the guest may hold values in them: needed on import
            }
        }
        synchronized (parked) {
            parked.forEach((id, m) -> m.forEach((cpu, s) -> b.child("parked." + id + "." + cpu, s)));
        }
        return b.build();
    }

    @Override
    public void importState(StateSnapshot state) {
        state.requireKind("arm64.virt", 2);
        for (String key : state.values().keySet()) {
            String table = key.startsWith(SYSREG_TABLE_PREFIX) ? key.substring(SYSREG_TABLE_PREFIX.length()) : null;
            if (table != null && !featureTables.contains(table)) {
                // the guest's values of that feature's registers would be lost: the VM waits for the feature
                throw new StateIncompatibleException("the VM uses the system registers of feature '" + table
                        + "', which is not installed (installed: " + featureTables + ")");
            }
        }
        uart.importState(state.child("pl011"));
        if (state.version() >= 2) {
            gic.importState(state.child("gic"));
        }
        synchronized (parked) {
            state.children().forEach((name, s) -> {
                if (name.startsWith("parked.")) {
                    int dot = name.lastIndexOf('.');
                    parked.computeIfAbsent(name.substring(7, dot), k -> new HashMap<>())
                            .put(Integer.parseInt(name.substring(dot + 1)), s);
                }
            });
        }
    }

    @Override
    public void close() {
        for (Arm64Vcpu v : vcpus) {
            v.kick();
            host.domain().leave(v.core().mem);
        }
        if (stage2 != null) {
            stage2.close();
        }
        if (ownHost) {
            host.close();
        }
    }
}
