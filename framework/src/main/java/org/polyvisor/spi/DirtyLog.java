package org.polyvisor.spi;

import org.osgi.annotation.versioning.ConsumerType;
import org.polyvisor.memory.MemorySlot;

/**
 * Dirty-page logging of a VM's RAM, as KVM offers it with {@code KVM_MEM_LOG_DIRTY_PAGES} and
 * {@code KVM_GET_DIRTY_LOG}/{@code KVM_CLEAR_DIRTY_LOG}: while logging is on, the architecture records every page
 * of a RAM slot the guest writes (on arm64 by write-protecting the slot at stage 2 and taking the first write
 * fault of each page). The framework's live save ({@code pv:save --live}) copies memory in pre-copy rounds with it
 * and pauses the VM only for the pages written during the last round.
 *
 * <p>Threading: {@link #start()}, {@link #fetchAndClear} and {@link #stop()} are called from one framework thread
 * at a time while the vCPUs may be running; the implementation makes a write that races with
 * {@link #fetchAndClear} appear in this round's bitmap or in the next one, never in neither. Precisely, what the
 * framework relies on when it copies pages after each call: every guest write to a page either is visible to the
 * framework thread's reads of guest memory once the {@link #fetchAndClear} that reports the page has returned, or
 * the page is reported again by a later call; and a write not yet recorded when {@link #start()} returns is visible
 * to that thread's reads after it (so the first full copy has it). On arm64 this is the write-protect, TLB
 * invalidation and fault ordering of KVM's {@code kvm_arch_mmu_enable_log_dirty_pt_masked}; the test architecture
 * records after the data with a fence and an atomic OR.
 */
@ConsumerType
public interface DirtyLog {
    /**
     * Size of the pages the bitmaps count in.
     *
     * @return a power of two, at least 4096
     */
    int pageSize();

    /** Starts logging on every RAM slot: from now on a page the guest writes is recorded. */
    void start();

    /**
     * Hands over the pages written since {@link #start()} or the previous call for one slot and clears them,
     * protecting them again (with the TLB maintenance that makes the next write of each page visible again).
     *
     * @param slot   a RAM slot of the VM
     * @param bitmap receives one bit per page of the slot (bit {@code i % 64} of word {@code i / 64} for page
     *               {@code i}), at least {@code ceil(slot.size() / pageSize() / 64)} words; bits are ORed in
     * @return the number of pages newly set in {@code bitmap}
     */
    long fetchAndClear(MemorySlot slot, long[] bitmap);

    /** Stops logging: pages are writable again without faults and nothing more is recorded. */
    void stop();
}
