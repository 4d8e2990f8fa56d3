package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.mmu.TlbSets;

/**
 * One of the host's fixed set of modelled physical CPUs that vCPUs time-share ({@link PcpuPool}): its profile, its
 * TLB, and the stage-2 registers as the last vCPU that ran on it left them. The rest of a PE's state (general and EL1
 * registers, the host context) lives in the loaded vCPU's register file: the world switch saves and restores all of it
 * on every run anyway. What survives from one VM to the next on a real PE, and what a wrong world switch would expose,
 * is VTTBR_EL2, VTCR_EL2 (KVM's VHE switch does not restore them for the host, and nVHE's __load_host_stage2 only
 * zeroes VTTBR) and the TLB: those this object carries from one occupant to the next.
 */
public final class Pcpu {
    private final int index;
    private final PcpuProfile profile;
    private final TlbSets tlb;
    /** VTTBR_EL2 and VTCR_EL2 as the last occupant left them (at power-on: 0, the host's). */
    long vttbr;
    long vtcr;
    /** The vCPU loaded here, or null; guarded by the pool's lock. */
    VcpuLoad holder;
    /** System.nanoTime() when {@link #holder} was loaded. */
    long since;
    /** Loads so far (tests, diagnostics). */
    long loads;

    Pcpu(int index, PcpuProfile profile, boolean vmidTagged) {
        this.index = index;
        this.profile = profile;
        this.tlb = new TlbSets(vmidTagged);
    }

    public int index() {
        return index;
    }

    public PcpuProfile profile() {
        return profile;
    }

    /** This CPU's TLB (what the inner-shareable domain's broadcasts reach). */
    public TlbSets tlb() {
        return tlb;
    }

    /** How many times a vCPU was loaded here. */
    public long loads() {
        return loads;
    }

    /** VTCR_EL2 as the last vCPU that ran here left it. */
    public long vtcr() {
        return vtcr;
    }

    /** VTTBR_EL2 as the last vCPU that ran here left it. */
    public long vttbr() {
        return vttbr;
    }
}
