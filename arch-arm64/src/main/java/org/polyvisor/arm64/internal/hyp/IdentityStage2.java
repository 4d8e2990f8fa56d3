package org.polyvisor.arm64.internal.hyp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.memory.MemorySlot;

/**
 * The stage 2 a {@link org.polyvisor.arm64.spi.Stage2Provider} builds on: RAM mapped 1:1 (host PA = IPA in the VM's own
 * memory), given to the CPU model as a translation callback. RAM pages are counted as mapped on their first
 * translation; an IPA beyond 40 bits, or one that is neither RAM nor a device, faults and the guest gets an external
 * abort. Machines without a provider walk real tables instead ({@link DefaultStage2}).
 */
public final class IdentityStage2 implements Stage2 {
    public static final int IPA_BITS = 40;

    private final GuestMemory memory;
    private final long base;
    private final long pages;
    /** One bit per 4K page of the (single) RAM slot: set once mapped. */
    private final AtomicLongArray mapped;
    private final AtomicLong faults = new AtomicLong();
    /** pv:exits counter (hyp.STAGE2_FAULT) when the VM manager provides one. */
    private LongAdder faultCounter = new LongAdder();

    public IdentityStage2(GuestMemory memory) {
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
