package org.polyvisor.arm64.internal.hyp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.memory.MemorySlot;

/**
 * Stage 2 as KVM had it before the per-VM IPA size series (Linux 4.20, "kvm: arm64: Dynamic & 52bit IPA
 * support"): a fixed 40-bit IPA space with a 4K granule (VTCR_EL2 =
 * {@link HypConstants#VTCR_40BIT_4K}). RAM pages are mapped on their first stage-2 fault (user_mem_abort), which the
 * hypervisor resolves without leaving the vCPU's run loop; an IPA beyond 40 bits, or one that is neither RAM nor a
 * device, stays unmapped and the guest gets an external abort. Device IPAs are never mapped, so accesses to them
 * trap as data aborts and become MMIO exits. Feature-stage2 replaces this through the {@link Stage2} SPI.
 */
public final class DefaultStage2 implements Stage2 {
    public static final int IPA_BITS = 40;

    private final GuestMemory memory;
    private final long base;
    private final long pages;
    /** One bit per 4K page of the (single) RAM slot: set once mapped. */
    private final AtomicLongArray mapped;
    private final AtomicLong faults = new AtomicLong();
    /** pv:exits counter (hyp.STAGE2_FAULT) when the VM manager provides one. */
    private LongAdder faultCounter = new LongAdder();

    public DefaultStage2(GuestMemory memory) {
        this.memory = memory;
        MemorySlot ram = memory.slots().getFirst();
        this.base = ram.base().value();
        this.pages = ram.size() >>> 12;
        this.mapped = new AtomicLongArray((int) ((pages + 63) >>> 6));
    }

    @Override
    public long translate(long ipa, boolean write, boolean exec) {
        if ((ipa >>> IPA_BITS) != 0) {
            return FAULT; // beyond the IPA size: reported to the guest as an external abort
        }
        long page = (ipa - base) >>> 12;
        if (ipa < base || page >= pages) {
            return memory.isRam(ipa) && !(write && memory.isReadOnly(ipa)) ? ipa : FAULT;
        }
        int word = (int) (page >>> 6);
        long bit = 1L << (page & 63);
        if ((mapped.get(word) & bit) == 0) {
            mapPage(word, bit);
        }
        return ipa;
    }

    /** The stage-2 fault path for RAM: install the page (KVM: user_mem_abort -> kvm_pgtable_stage2_map). */
    private void mapPage(int word, long bit) {
        long old;
        do {
            old = mapped.get(word);
            if ((old & bit) != 0) {
                return;
            }
        } while (!mapped.compareAndSet(word, old, old | bit));
        faults.incrementAndGet();
        faultCounter.increment();
    }

    /** Where stage-2 faults resolved by mapping RAM are counted for pv:exits. */
    public void countFaultsIn(LongAdder counter) {
        faultCounter = counter;
    }

    /** Stage-2 faults resolved by mapping a RAM page. */
    public long faults() {
        return faults.get();
    }

    /** Pages currently mapped (for snapshots and tests). */
    public long mappedPages() {
        long n = 0;
        for (int i = 0; i < mapped.length(); i++) {
            n += Long.bitCount(mapped.get(i));
        }
        return n;
    }
}
