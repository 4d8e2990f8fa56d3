package org.polyvisor.ppc.internal.mmu;

import java.lang.foreign.MemorySegment;

/**
 * The pre-decoded code pages as the data path sees them: pages with a decoded copy never get a fast-path write
 * entry, and every store to them is reported so that the copy stays coherent with memory (self-modifying code).
 * Defined here, implemented by the execution engine's code cache, so that translation does not depend on execution.
 */
public interface CodeWatch {
    /** True if the real page holding {@code ra} has a decoded copy. */
    boolean contains(long ra);

    /**
     * A store of {@code size} bytes at real address ra (segment {@code seg}, offset {@code off}) went to memory.
     * Returns true if code that may be running changed, so the CPU must leave the current block.
     */
    boolean stored(long ra, int size, MemorySegment seg, long off);
}
