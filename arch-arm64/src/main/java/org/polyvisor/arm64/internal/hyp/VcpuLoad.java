package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.mmu.DataAccess;
import org.polyvisor.arm64.internal.mmu.Stage2Walk;

/**
 * One vCPU's side of the shared physical CPUs ({@link PcpuPool}): KVM's vcpu_load / vcpu_put around the world switch.
 * Loading takes a CPU (blocking fairly) and puts what that CPU holds under the vCPU: the stage-2 registers the last
 * occupant left (they are the host's values the switch saves on entry; the switch must load the VM's own) and the
 * CPU's TLB with whatever this VMID left in it. Putting leaves VTTBR_EL2, VTCR_EL2 and the TLB entries on the CPU for
 * the next occupant, and hands the CPU on. Runs on the vCPU's thread at the run loop's safe points, never inside the
 * guest.
 */
public final class VcpuLoad {
    private final PcpuPool pool;
    private final int vcpuIndex;
    private final PhysicalCpu hw;
    private final DataAccess mem;
    private final GuestTraps traps;
    private final Runnable nudge;
    private final int sVttbr;
    private final int sVtcr;
    private Pcpu cpu;
    private Pcpu last;
    private volatile boolean yield;

    /**
     * @param nudge makes the vCPU leave the guest at its next block boundary (its run loop then puts the CPU)
     */
    VcpuLoad(PcpuPool pool, int vcpuIndex, PhysicalCpu hw, GuestTraps traps, Runnable nudge) {
        this.pool = pool;
        this.vcpuIndex = vcpuIndex;
        this.hw = hw;
        this.mem = hw.core().mem;
        this.traps = traps;
        this.nudge = nudge;
        this.sVttbr = hw.slot("VTTBR_EL2");
        this.sVtcr = hw.slot("VTCR_EL2");
        pool.adopt(mem);
    }

    int vcpuIndex() {
        return vcpuIndex;
    }

    /** The CPU this vCPU ran on last (preferred when free). */
    Pcpu lastCpu() {
        return last;
    }

    /** The CPU this vCPU is loaded on, or null. */
    public Pcpu current() {
        return cpu;
    }

    /** vcpu_load (idempotent). */
    public void load() {
        if (cpu != null) {
            return;
        }
        Pcpu c = pool.acquire(this);
        yield = false;
        cpu = c;
        last = c;
        hw.set(sVttbr, c.vttbr); // a host-context change: the switch saves host state again on the next entry
        hw.set(sVtcr, c.vtcr);
        int vmid = (int) (traps.values[GuestTraps.VTTBR] >>> Stage2Walk.VTTBR_VMID_SHIFT) & 0xFFFF;
        mem.useTlb(c.tlb(), vmid, this);
    }

    /** vcpu_put (idempotent): the CPU keeps what this vCPU left on it. */
    public void put() {
        Pcpu c = cpu;
        if (c == null) {
            return;
        }
        c.vttbr = hw.get(sVttbr);
        c.vtcr = hw.get(sVtcr);
        mem.releaseTlb();
        cpu = null;
        pool.release(c);
    }

    /** Whether the pool asked this vCPU to give its CPU to a waiting one (read at the run loop's top). */
    public boolean yieldWanted() {
        return yield;
    }

    void requestYield() {
        yield = true;
        nudge.run();
    }
}
