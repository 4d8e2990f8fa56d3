package org.polyvisor.arm64.internal.cpu;

/** Read access to a block's decoded arrays for the interpreter (and a later JIT) in another package. */
public final class BlockView {
    private BlockView() {
    }

    public static int[] ops(Block b) {
        return b.op;
    }

    public static int[] words(Block b) {
        return b.word;
    }

    public static int[] regs(Block b) {
        return b.regs;
    }

    public static long[] imms(Block b) {
        return b.imm;
    }
}
