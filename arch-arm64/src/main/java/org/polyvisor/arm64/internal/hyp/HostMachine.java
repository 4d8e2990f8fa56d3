package org.polyvisor.arm64.internal.hyp;

import java.util.List;

import org.polyvisor.arm64.internal.mmu.HostMemory;
import org.polyvisor.arm64.internal.mmu.Stage2Walk;
import org.polyvisor.arm64.internal.mmu.TlbDomain;
import org.polyvisor.arm64.spi.Stage2Host;

/**
 * The modelled host machine one arm64 bundle instance runs its VMs on: host physical memory (VM RAM placed by the
 * hypervisor, the stage-2 table pool), the inner-shareable domain its PEs' broadcast TLB maintenance reaches, and the
 * stage-2 configuration KVM computed once at init before per-VM VTCR (Linux 4.20, "kvm: arm64: Configure VTCR per VM"):
 * a 40-bit IPA with a 4K granule and PS from the CPUs' PARange. With a fixed set of physical CPUs
 * ({@link PcpuProfile}, {@code polyvisor.arm64.pcpus}) vCPUs time-share them ({@link #pcpus()}), and what the host
 * reports as a {@link Stage2Host} is the CPUs' sanitised profile: the lowest PARange, 16-bit VMIDs and hardware AF only
 * when every CPU has them.
 */
public final class HostMachine implements Stage2Host, AutoCloseable {
    /** ID_AA64MMFR0_EL1.PARange of the modelled physical CPUs (Cortex-A57: 4, 44 bits). */
    public static final int CORTEX_A57_PARANGE = 4;
    /** Where VM RAM goes in the host physical space: above the table pool, 1 GiB aligned (room for block mappings). */
    static final long RAM_FROM = Stage2PagePool.BASE + Stage2PagePool.SIZE;
    static final long RAM_ALIGN = 1L << 30;

    private final HostMemory memory;
    private final TlbDomain domain = new TlbDomain();
    private final Stage2PagePool pool;
    private final int parange;
    private final boolean vmid16;
    private final boolean hafdbs;
    private final Stage2Geometry defaultGeometry;
    /** The shared physical CPUs, or null: every vCPU has a physical CPU of its own. */
    private final PcpuPool pcpus;

    public HostMachine() {
        this(CORTEX_A57_PARANGE);
    }

    /** Every vCPU on a physical CPU of its own, all with this PARange (Cortex-A57 otherwise). */
    public HostMachine(int parange) {
        this(parange, false, false, List.of(), true);
    }

    /**
     * A host with a fixed set of physical CPUs that vCPUs time-share; an empty list for none (every vCPU gets a
     * Cortex-A57 of its own, as {@link #HostMachine()}).
     */
    public HostMachine(List<PcpuProfile> cpus) {
        this(cpus, true);
    }

    /** @param vmidTagged false only for the benchmark that measures what VMID-tagged TLBs save on shared CPUs */
    public HostMachine(List<PcpuProfile> cpus, boolean vmidTagged) {
        this(PcpuProfile.sanitised(cpus).parange(), PcpuProfile.sanitised(cpus).vmid16(),
                PcpuProfile.sanitised(cpus).hafdbs(), cpus, vmidTagged);
    }

    private HostMachine(int parange, boolean vmid16, boolean hafdbs, List<PcpuProfile> cpus, boolean vmidTagged) {
        this.parange = parange;
        this.vmid16 = vmid16;
        this.hafdbs = hafdbs;
        this.pcpus = cpus.isEmpty() ? null : new PcpuPool(cpus, domain, vmidTagged);
        this.memory = new HostMemory(Stage2Walk.paBits(parange));
        this.pool = new Stage2PagePool(memory);
        // __init_stage2_translation: one VTCR for every VM; 8-bit VMIDs and no hardware AF (a Cortex-A57)
        this.defaultGeometry = Stage2Geometry.of(DefaultStage2.IPA_BITS, 12, parange, false, false);
    }

    public HostMemory memory() {
        return memory;
    }

    public TlbDomain domain() {
        return domain;
    }

    public Stage2PagePool pool() {
        return pool;
    }

    @Override
    public int parange() {
        return parange;
    }

    @Override
    public int paBits() {
        return memory.paBits();
    }

    /**
     * The modelled host CPUs implement all three granules at stage 2 (ID_AA64MMFR0_EL1.TGran4_2/16_2/64_2 = 2), 8-bit
     * VMIDs and no hardware access flag update: the guest's Cortex-A57 profile is what VMs see, not the host's.
     */
    @Override
    public boolean supportsGranule(int granuleShift) {
        return granuleShift == 12 || granuleShift == 14 || granuleShift == 16;
    }

    /** 16-bit VMIDs only when every physical CPU has them (ID_AA64MMFR1_EL1.VMIDBits, sanitised). */
    @Override
    public boolean vmid16() {
        return vmid16;
    }

    /** Hardware access flag update only when every physical CPU has it (ID_AA64MMFR1_EL1.HAFDBS, sanitised). */
    @Override
    public boolean hardwareAccessFlag() {
        return hafdbs;
    }

    /** The shared physical CPUs vCPUs are loaded onto, or null when every vCPU has one of its own (the default). */
    public PcpuPool pcpus() {
        return pcpus;
    }

    /** VTCR_EL2 as the built-in hypervisor sets it at init for all VMs (40-bit IPA, 4K granule). */
    public Stage2Geometry defaultGeometry() {
        return defaultGeometry;
    }

    @Override
    public void close() {
        pool.close();
    }
}
