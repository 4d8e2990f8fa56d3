package org.polyvisor.arm64.internal.mmu;

/**
 * The physical pages holding decoded code, as the block cache ({@code exec.BlockCache}) tracks them: the TLB never
 * maps such a page writable, so a store to it takes the slow path, which invalidates the blocks it overlaps.
 * Defined here so that the data side does not depend on the interpreter.
 */
public interface CodePages {
    /** No decoded code (a PE without a block cache). */
    CodePages NONE = new CodePages() {
        @Override
        public boolean isCodePage(long ppn) {
            return false;
        }

        @Override
        public void invalidateRange(long pa, int size) {
        }
    };

    boolean isCodePage(long ppn);

    /** A store hit decoded code: drop every block overlapping [pa, pa+size). */
    void invalidateRange(long pa, int size);
}
