package org.polyvisor.framework.internal;

import java.util.ArrayList;
import java.util.List;

import org.polyvisor.memory.GuestMemory;
import org.polyvisor.memory.MemorySlot;
import org.polyvisor.spi.DirtyLog;

/**
 * The memory side of a live save, in the shape of QEMU's RAM pre-copy ({@code migration/ram.c}:
 * {@code ram_save_setup} starts dirty logging and sends everything, {@code ram_save_iterate} sends the pages the
 * last {@code migration_bitmap_sync} found dirty, {@code ram_save_complete} sends the rest with the VM stopped).
 *
 * <p>{@link #runRounds} runs while the vCPUs run: it starts the log, copies all RAM the guest touched (round 0),
 * then fetches the dirty set and copies it, round after round, until the set fetched is at most
 * {@link Policy#smallEnoughBytes} (the pages left fit the pause), or it is no smaller than the set before it (the
 * guest dirties memory as fast as it is copied: more rounds would not converge), or {@link Policy#maxRounds} rounds
 * were copied. The last set fetched stays pending. {@link #finish} runs with the vCPUs paused: it fetches once more
 * and copies the pending and newly dirty pages, after which the copy equals guest memory. {@link #stop} ends logging
 * (always call it, also after a failure).
 *
 * <p>Not thread-safe: one live save drives it from one thread, as {@link DirtyLog} requires.
 */
final class PreCopy {
    /**
     * When the rounds stop.
     *
     * @param smallEnoughBytes a dirty set this small is left for the pause
     * @param maxRounds        most rounds after round 0 (QEMU's old {@code MAX_ITERATIONS}-style bound: a guest
     *                         that keeps dirtying a shrinking set slowly still gets paused in bounded time)
     */
    record Policy(long smallEnoughBytes, int maxRounds) {
        /**
         * 1 MiB: copying it in memory takes well under a millisecond, so it costs the pause little; 30 rounds, the
         * bound Xen's and early QEMU's pre-copy used.
         */
        static final Policy DEFAULT = new Policy(1 << 20, 30);
    }

    private final GuestMemory memory;
    private final DirtyLog log;
    private final Policy policy;
    private final ShadowMemory shadow;
    private final int pageSize;
    private final List<MemorySlot> slots;
    /** Pages fetched but not copied yet, one bitmap per entry of {@link #slots}. */
    private final long[][] pending;
    private final List<Long> pagesPerRound = new ArrayList<>();
    private boolean logging;

    PreCopy(GuestMemory memory, DirtyLog log, Policy policy) {
        this.memory = memory;
        this.log = log;
        this.policy = policy;
        this.shadow = new ShadowMemory(memory);
        this.pageSize = log.pageSize();
        if (pageSize < 4096 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalStateException("the machine's dirty log counts pages of " + pageSize
                    + " bytes; a power of two of at least 4096 is needed");
        }
        // a read-only slot (ROM, flash) cannot be written by the guest: round 0 copies it once and for all
        this.slots = memory.slots().stream().filter(s -> !s.readOnly()).toList();
        this.pending = new long[slots.size()][];
        for (int i = 0; i < pending.length; i++) {
            long pages = (slots.get(i).size() + pageSize - 1) / pageSize;
            pending[i] = new long[(int) ((pages + 63) >>> 6)];
        }
    }

    /** Starts logging and copies until the dirty set is small or stops shrinking; the VM may run throughout. */
    void runRounds() {
        log.start();
        logging = true;
        pagesPerRound.add(shadow.copyAllocated() / pageSize);
        long previous = Long.MAX_VALUE;
        for (int round = 1; ; round++) {
            long dirty = fetch();
            if (dirty * pageSize <= policy.smallEnoughBytes() || dirty >= previous || round > policy.maxRounds()) {
                return;
            }
            pagesPerRound.add(copyPending());
            previous = dirty;
        }
    }

    /** With the vCPUs paused: fetches the last dirty pages and copies them with the pending ones. */
    long finish() {
        fetch();
        return copyPending();
    }

    /** Ends logging, if it was started. */
    void stop() {
        if (logging) {
            logging = false;
            log.stop();
        }
    }

    private long fetch() {
        long n = 0;
        for (int i = 0; i < slots.size(); i++) {
            n += log.fetchAndClear(slots.get(i), pending[i]);
        }
        return n;
    }

    private long copyPending() {
        long copied = 0;
        for (int i = 0; i < slots.size(); i++) {
            MemorySlot slot = slots.get(i);
            long[] bits = pending[i];
            for (int w = 0; w < bits.length; w++) {
                long word = bits[w];
                bits[w] = 0;
                while (word != 0) {
                    long page = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                    long offset = page * pageSize;
                    if (offset < slot.size()) {
                        shadow.copy(slot.base().value() + offset, Math.min(pageSize, slot.size() - offset));
                        copied++;
                    }
                }
            }
        }
        return copied;
    }

    /** Pages copied while the VM ran: round 0 (everything touched), then one entry per round. */
    List<Long> pagesPerRound() {
        return List.copyOf(pagesPerRound);
    }

    int pageSize() {
        return pageSize;
    }

    ShadowMemory shadow() {
        return shadow;
    }
}
