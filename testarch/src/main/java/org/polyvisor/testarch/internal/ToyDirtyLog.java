package org.polyvisor.testarch.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.polyvisor.memory.MemorySlot;
import org.polyvisor.spi.DirtyLog;

/**
 * The toy machine's dirty log: its one RAM slot, one bit per 4 KiB page, set by the vCPU's store path
 * ({@link #recordWrite}) while logging is on; the software counterpart of KVM's {@code mark_page_dirty} in the write
 * fault path.
 *
 * <p>Why no write is lost when it races with {@link #fetchAndClear}: the vCPU stores the data first and sets the bit
 * after it with an atomic read-modify-write; {@code fetchAndClear} takes each word with an atomic get-and-set before
 * the framework copies the pages. If the bit set comes first, the swap sees it and the copy that follows sees the
 * data; if the swap comes first, the bit lands in the next round's bitmap. The full fence before the check of
 * {@link #logging} keeps a store from being passed by that check (a store-load reordering), so a store made just
 * before {@link #start} returns is either recorded or already visible to the round-0 copy that follows it.
 */
final class ToyDirtyLog implements DirtyLog {
    static final int PAGE_SHIFT = 12;
    /** Atomic access to the words of {@link #bits} (AtomicLongArray has no bitwise OR). */
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
    private final MemorySlot slot;
    private final long[] bits;
    private volatile boolean logging;

    ToyDirtyLog(MemorySlot slot) {
        this.slot = slot;
        this.bits = new long[(int) (((slot.size() >>> PAGE_SHIFT) + 63) >>> 6)];
    }

    @Override
    public int pageSize() {
        return 1 << PAGE_SHIFT;
    }

    @Override
    public void start() {
        for (int i = 0; i < bits.length; i++) {
            WORD.setVolatile(bits, i, 0L);
        }
        logging = true;
    }

    /** Called by the vCPU after each guest store to RAM, with the stored address; allocates nothing. */
    void recordWrite(long gpa) {
        VarHandle.fullFence();
        if (logging) {
            long page = (gpa - slot.base().value()) >>> PAGE_SHIFT;
            long previous = (long) WORD.getAndBitwiseOr(bits, (int) (page >>> 6), 1L << page);
        }
    }

    @Override
    public long fetchAndClear(MemorySlot of, long[] bitmap) {
        if (!of.equals(slot)) {
            throw new IllegalArgumentException("the toy machine logs only its RAM " + slot + ", not " + of);
        }
        long newlySet = 0;
        for (int i = 0; i < bits.length; i++) {
            if ((long) WORD.getVolatile(bits, i) != 0) {
                long taken = (long) WORD.getAndSet(bits, i, 0L);
                newlySet += Long.bitCount(taken & ~bitmap[i]);
                bitmap[i] |= taken;
            }
        }
        return newlySet;
    }

    @Override
    public void stop() {
        logging = false;
    }
}
