package org.polyvisor.arm64.internal.hyp;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.polyvisor.memory.MemorySlot;
import org.polyvisor.spi.DirtyLog;

/**
 * Dirty-page logging on real stage-2 tables (KVM_MEM_LOG_DIRTY_PAGES and KVM_GET_DIRTY_LOG: kvm_mmu_wp_memory_region,
 * user_mem_abort with logging active, kvm_arch_mmu_enable_log_dirty_pt_masked): starting write-protects every mapped
 * page of the VM's writable RAM; the first write to a page faults, the fault path records it and maps it writable;
 * fetching takes the bits (exchange with zero), write-protects those pages again and invalidates the VM's TLB
 * entries on every PE, waiting until no PE runs the guest with a writable entry (the DSB ISH after the TLBI), so a
 * write after the fetch faults and lands in the next round. Pages are the stage-2 granule.
 */
final class Stage2DirtyLog implements DirtyLog {
    private static final long TLB_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final DefaultStage2 s2;
    /** One bitmap per RAM placement while logging, else null. */
    private volatile AtomicLongArray[] bits;

    Stage2DirtyLog(DefaultStage2 s2) {
        this.s2 = s2;
    }

    @Override
    public int pageSize() {
        return 1 << s2.table().geometry().granuleShift();
    }

    boolean active() {
        return bits != null;
    }

    /** A write fault on a page of placement i while logging (user_mem_abort: mark_page_dirty). */
    void markDirty(int placement, long pageIndex) {
        AtomicLongArray[] b = bits;
        if (b != null) {
            b[placement].getAndAccumulate((int) (pageIndex >>> 6), 1L << (pageIndex & 63), (x, y) -> x | y);
        }
    }

    @Override
    public void start() {
        int n = s2.placementCount();
        AtomicLongArray[] b = new AtomicLongArray[n];
        for (int i = 0; i < n; i++) {
            b[i] = new AtomicLongArray((int) ((s2.placementSize(i) / pageSize() + 63) >>> 6));
        }
        synchronized (s2.table()) {
            bits = b;
            for (int i = 0; i < n; i++) {
                if (!s2.placementReadOnly(i)) {
                    s2.table().protect(s2.placementIpa(i), s2.placementSize(i), Stage2PageTable.PROT_R
                            | Stage2PageTable.PROT_X);
                }
            }
        }
        s2.flushTlbAndWait(TLB_WAIT_NANOS);
    }

    @Override
    public long fetchAndClear(MemorySlot slot, long[] bitmap) {
        AtomicLongArray[] all = bits;
        int i = s2.placementOf(slot.base().value());
        if (all == null || i < 0) {
            return 0;
        }
        AtomicLongArray b = all[i];
        long page = pageSize();
        long fresh = 0;
        boolean any = false;
        synchronized (s2.table()) {
            for (int w = 0; w < b.length(); w++) {
                long word = b.getAndSet(w, 0);
                if (word == 0) {
                    continue;
                }
                any = true;
                fresh += Long.bitCount(word & ~bitmap[w]);
                bitmap[w] |= word;
                for (long m = word; m != 0; m &= m - 1) {
                    long ipa = s2.placementIpa(i) + ((long) w * 64 + Long.numberOfTrailingZeros(m)) * page;
                    s2.table().protect(ipa, page, Stage2PageTable.PROT_R | Stage2PageTable.PROT_X);
                }
            }
        }
        if (any) {
            s2.flushTlbAndWait(TLB_WAIT_NANOS);
        }
        return fresh;
    }

    @Override
    public void stop() {
        synchronized (s2.table()) {
            bits = null;
            for (int i = 0; i < s2.placementCount(); i++) {
                if (!s2.placementReadOnly(i)) {
                    // relaxing rights needs no invalidation: no PE cached a write entry for a read-only page
                    s2.table().protect(s2.placementIpa(i), s2.placementSize(i), Stage2PageTable.PROT_RWX);
                }
            }
        }
    }
}
