package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.arm64.internal.mmu.HostMemory;
import org.polyvisor.memory.GuestMemory;

/**
 * The host pages stage-2 tables live in (KVM: the page-table pages kvm_pgtable gets from its mm_ops, from the host
 * kernel's memory): a window of the host's own memory in the host physical space, handed out in granule-sized,
 * naturally aligned runs (a concatenated start level needs up to 16 contiguous pages aligned to their total size).
 * Pages come zeroed (an empty table is all invalid descriptors) and are zeroed again when freed.
 */
public final class Stage2PagePool implements AutoCloseable {
    /** Where the pool sits in the host physical space, and how large it may grow (allocated lazily, 64 KiB at a time). */
    public static final long BASE = 0x4000_0000L;
    public static final long SIZE = 0x1_0000_0000L;

    private final GuestMemory own = new GuestMemory();
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private long next = BASE;
    private long inUse;

    public Stage2PagePool(HostMemory host) {
        own.addSlot(0, new GuestPhysicalAddress(BASE), SIZE, false);
        host.map(BASE, SIZE, own, BASE);
    }

    /**
     * A zeroed run of {@code bytes} (a power of two of at least 4 KiB), aligned to its size.
     *
     * @return its host physical address
     */
    public synchronized long allocate(long bytes) {
        ArrayDeque<Long> q = free.get(bytes);
        long pa;
        if (q != null && !q.isEmpty()) {
            pa = q.pop();
        } else {
            pa = (next + bytes - 1) & -bytes;
            if (pa + bytes > BASE + SIZE) {
                throw new IllegalStateException("the host's stage-2 page pool (0x" + Long.toHexString(SIZE)
                        + " bytes at 0x" + Long.toHexString(BASE) + ") is exhausted");
            }
            next = pa + bytes;
        }
        inUse += bytes;
        return pa;
    }

    /** Returns a run from {@link #allocate}; it is zeroed for its next user. */
    public synchronized void release(long pa, long bytes) {
        own.zero(pa, bytes);
        free.computeIfAbsent(bytes, k -> new ArrayDeque<>()).push(pa);
        inUse -= bytes;
    }

    /** Bytes of tables currently allocated. */
    public synchronized long bytesInUse() {
        return inUse;
    }

    @Override
    public void close() {
        own.close();
    }
}
