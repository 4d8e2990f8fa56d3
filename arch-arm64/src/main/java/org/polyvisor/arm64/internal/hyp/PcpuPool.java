package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.polyvisor.api.VmException;
import org.polyvisor.arm64.internal.mmu.DataAccess;
import org.polyvisor.arm64.internal.mmu.TlbDomain;
import org.polyvisor.arm64.internal.mmu.TlbSets;

/**
 * The host's fixed set of modelled physical CPUs ({@code polyvisor.arm64.pcpus}, {@link PcpuProfile}) onto which
 * vCPUs are loaded and put as KVM's vcpu_load/vcpu_put do when the host scheduler runs a vCPU thread on a CPU and
 * takes it off again. Fair as a FIFO run queue: a vCPU that wants a CPU queues behind those already waiting; when none
 * is free, the CPU whose vCPU has run longest past a time slice is asked to give it up (the vCPU leaves the guest at
 * its next block boundary and queues again, behind the waiter), so no vCPU starves. A vCPU blocked in WFI, powered
 * off, paused or back in the framework has put its CPU already.
 */
public final class PcpuPool {
    /** The time slice a vCPU keeps a CPU while others wait (a scheduler tick of a few milliseconds). */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final Pcpu[] cpus;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<VcpuLoad> waiting = new ArrayDeque<>();
    private final TlbDomain domain;
    /** Time slices ended because others waited (guarded by the lock). */
    private long slicesEnded;

    /** @param vmidTagged false only to measure what VMID-tagged TLBs save (see {@link TlbSets#TlbSets(boolean)}) */
    public PcpuPool(List<PcpuProfile> profiles, TlbDomain domain, boolean vmidTagged) {
        this.domain = domain;
        cpus = new Pcpu[profiles.size()];
        for (int i = 0; i < cpus.length; i++) {
            cpus[i] = new Pcpu(i, profiles.get(i), vmidTagged);
            domain.join(cpus[i].tlb());
        }
    }

    public int size() {
        return cpus.length;
    }

    public Pcpu cpu(int i) {
        return cpus[i];
    }

    /** A vCPU that runs on these CPUs only: broadcasts reach the CPUs' TLBs, not the one its PE was built with. */
    void adopt(DataAccess mem) {
        domain.leave(mem);
    }

    /** vcpu_load: blocks until this vCPU is first in line and a CPU is free, then gives it that CPU. */
    Pcpu acquire(VcpuLoad who) {
        lock.lock();
        try {
            waiting.addLast(who);
            try {
                while (true) {
                    if (waiting.peekFirst() == who) {
                        Pcpu free = free(who);
                        if (free != null) {
                            waiting.removeFirst();
                            free.holder = who;
                            free.since = System.nanoTime();
                            free.loads++;
                            changed.signalAll(); // the next in line may find another free CPU
                            return free;
                        }
                        askLongestRunningToYield();
                    }
                    changed.awaitNanos(SLICE_NANOS);
                }
            } catch (InterruptedException e) {
                waiting.remove(who);
                changed.signalAll();
                Thread.currentThread().interrupt();
                throw new VmException("arm64: vCPU " + who.vcpuIndex() + " was interrupted while it waited for a "
                        + "physical CPU");
            }
        } finally {
            lock.unlock();
        }
    }

    /** A free CPU, preferring the one this vCPU ran on last (its TLB entries are there: KVM's affinity). */
    private Pcpu free(VcpuLoad who) {
        Pcpu last = who.lastCpu();
        if (last != null && last.holder == null) {
            return last;
        }
        for (Pcpu c : cpus) {
            if (c.holder == null) {
                return c;
            }
        }
        return null;
    }

    private void askLongestRunningToYield() {
        Pcpu oldest = null;
        for (Pcpu c : cpus) {
            if (c.holder != null && !c.holder.yieldWanted() && (oldest == null || c.since - oldest.since < 0)) {
                oldest = c;
            }
        }
        if (oldest != null && System.nanoTime() - oldest.since >= SLICE_NANOS) {
            oldest.holder.requestYield();
            slicesEnded++;
        }
    }

    /** How many times a vCPU was asked to give its CPU up at the end of its time slice. */
    public long slicesEnded() {
        lock.lock();
        try {
            return slicesEnded;
        } finally {
            lock.unlock();
        }
    }

    /** vcpu_put: the CPU is free for the next in line. */
    void release(Pcpu cpu) {
        lock.lock();
        try {
            cpu.holder = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
