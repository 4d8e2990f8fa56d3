package org.polyvisor.arm64.internal.exec;

/** Read access to a block's decoded arrays for the interpreter (and a later JIT) in another package. */
public final class BlockView {
    private BlockView() {
    }

    /** Handler id (bits 31..24) and register indices per instruction. */
    public static int[] codes(Block b) {
        return b.code;
    }

    public static int[] words(Block b) {
        return b.word;
    }

    public static long[] imms(Block b) {
        return b.imm;
    }
}
