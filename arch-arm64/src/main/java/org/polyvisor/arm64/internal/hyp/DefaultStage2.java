package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.polyvisor.arm64.internal.mmu.Stage2Walk;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.memory.MemorySlot;
import org.polyvisor.spi.DirtyLog;

/**
 * Stage 2 as KVM had it before the per-VM IPA size series (Linux 4.20, "kvm: arm64: Dynamic & 52bit IPA support"):
 * the host's one VTCR_EL2 (40-bit IPA, 4K granule, {@link HostMachine#defaultGeometry}) and real translation tables
 * in host memory ({@link Stage2PageTable}). The VM's RAM slots are placed at host physical addresses chosen here; a
 * RAM page is mapped on its first stage-2 fault (user_mem_abort), resolved without leaving the vCPU's run loop.
 * Device IPAs are never mapped, so accesses to them fault to EL2 and become MMIO exits; an IPA beyond 40 bits or one
 * that is neither RAM nor a device gets the guest an external abort.
 */
public final class DefaultStage2 implements Stage2Faults, AutoCloseable {
    public static final int IPA_BITS = 40;

    /** A RAM slot and where it lives in host memory. */
    private record Placement(long ipa, long size, long host, boolean readOnly) {
    }

    private final HostMachine host;
    private final Stage2PageTable table;
    private final List<Placement> placements = new ArrayList<>();
    private final int vmid;
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong mapped = new AtomicLong();
    /** pv:exits counter (hyp.STAGE2_FAULT) when the VM manager provides one. */
    private LongAdder faultCounter = new LongAdder();
    private final Stage2DirtyLog dirtyLog = new Stage2DirtyLog(this);

    public DefaultStage2(HostMachine host, GuestMemory memory, int vmid) {
        this(host, memory, vmid, host.defaultGeometry());
    }

    /** With a VM's own stage-2 configuration (the VTCR a {@code Stage2Configurator} chose). */
    public DefaultStage2(HostMachine host, GuestMemory memory, int vmid, Stage2Geometry geometry) {
        this.host = host;
        this.vmid = vmid;
        this.table = new Stage2PageTable(host.memory(), host.pool(), geometry);
        for (MemorySlot s : memory.slots()) {
            long hpa = host.memory().place(HostMachine.RAM_FROM, s.size(), HostMachine.RAM_ALIGN, memory,
                    s.base().value());
            placements.add(new Placement(s.base().value(), s.size(), hpa, s.readOnly()));
        }
    }

    @Override
    public long vttbr() {
        return table.root() | ((long) vmid << Stage2Walk.VTTBR_VMID_SHIFT);
    }

    @Override
    public long vtcr() {
        return table.geometry().vtcr();
    }

    public Stage2PageTable table() {
        return table;
    }

    /** Host physical address of an IPA's RAM, or -1 (tests and diagnostics). */
    public long hostAddress(long ipa) {
        int i = placementOf(ipa);
        return i < 0 ? -1 : placements.get(i).host + (ipa - placements.get(i).ipa);
    }

    @Override
    public boolean resolve(long ipa, boolean write, boolean exec) {
        int i = placementOf(ipa);
        if (i < 0 || (ipa >>> table.geometry().ipaBits()) != 0) {
            return false;
        }
        Placement p = placements.get(i);
        if (write && p.readOnly) {
            return false;
        }
        long granule = 1L << table.geometry().granuleShift();
        long page = ipa & -granule;
        synchronized (table) {
            boolean logging = dirtyLog.active() && !p.readOnly;
            // user_mem_abort: while dirty logging, only a write fault maps a page writable, and marks it dirty
            int prot = p.readOnly || (logging && !write) ? Stage2PageTable.PROT_R | Stage2PageTable.PROT_X
                    : Stage2PageTable.PROT_RWX;
            long leaf = table.leaf(page);
            if (leaf == 0) {
                table.map(page, p.host + (page - p.ipa), granule, prot);
                mapped.incrementAndGet();
            } else if (write && (leaf & Stage2Walk.S2AP_W) == 0) {
                table.protect(page, granule, prot); // a permission fault: the page was write-protected for logging
            }
            if (logging && write) {
                dirtyLog.markDirty(i, (page - p.ipa) / granule);
            }
        }
        faults.incrementAndGet();
        faultCounter.increment();
        return true;
    }

    /** Dirty-page logging of this VM's RAM (for live save). */
    public DirtyLog dirtyLog() {
        return dirtyLog;
    }

    /**
     * TLBI VMALLS12E1IS for this VM on every PE of the host, issued from a host thread (no modelled PE), and the DSB
     * that waits for it; needed after write-protecting or unmapping pages.
     */
    void flushTlbAndWait(long timeoutNanos) {
        if (!host.domain().invalidateVmidAndWait(null, vmid, timeoutNanos)) {
            throw new IllegalStateException("VM with VMID " + vmid + ": a vCPU did not leave the guest within "
                    + timeoutNanos / 1_000_000 + " ms to complete a stage-2 TLB invalidation");
        }
    }

    int placementOf(long ipa) {
        for (int i = 0; i < placements.size(); i++) {
            Placement p = placements.get(i);
            if (ipa - p.ipa >= 0 && ipa - p.ipa < p.size) {
                return i;
            }
        }
        return -1;
    }

    int placementCount() {
        return placements.size();
    }

    long placementIpa(int i) {
        return placements.get(i).ipa;
    }

    long placementSize(int i) {
        return placements.get(i).size;
    }

    boolean placementReadOnly(int i) {
        return placements.get(i).readOnly;
    }

    /** Where stage-2 faults resolved by mapping RAM are counted for pv:exits. */
    public void countFaultsIn(LongAdder counter) {
        faultCounter = counter;
    }

    /** Stage-2 faults resolved by mapping a RAM page. */
    public long faults() {
        return faults.get();
    }

    /** Pages currently mapped. */
    public long mappedPages() {
        return mapped.get();
    }

    /** Frees the tables and the VM's host memory windows (the machine is closed; its vCPUs run no more). */
    @Override
    public void close() {
        host.domain().invalidateVmid(null, vmid); // the VMID may be handed out again: no PE may keep its entries
        table.destroy();
        for (Placement p : placements) {
            host.memory().unmap(p.host);
        }
    }
}
