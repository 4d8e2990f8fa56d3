package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.mmu.HostMemory;
import org.polyvisor.arm64.internal.mmu.Stage2Walk;
import org.polyvisor.arm64.internal.mmu.TlbDomain;
import org.polyvisor.arm64.spi.Stage2Host;

/**
 * The modelled host machine one arm64 bundle instance runs its VMs on: host physical memory (VM RAM placed by the
 * hypervisor, the stage-2 table pool), the inner-shareable domain its PEs' broadcast TLB maintenance reaches, and the
 * stage-2 configuration KVM computed once at init before per-VM VTCR (Linux 4.20, "kvm: arm64: Configure VTCR per VM"):
 * a 40-bit IPA with a 4K granule and PS from the CPUs' PARange.
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
    private final Stage2Geometry defaultGeometry;

    public HostMachine() {
        this(CORTEX_A57_PARANGE);
    }

    public HostMachine(int parange) {
        this.parange = parange;
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

    @Override
    public boolean vmid16() {
        return false;
    }

    @Override
    public boolean hardwareAccessFlag() {
        return false;
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
