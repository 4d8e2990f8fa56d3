package org.polyvisor.arm64.internal.cpu;

/**
 * A decoded basic block: straight-line instructions from one physical page, ending at a branch, an exception-
 * generating or state-changing system instruction, or the page end. Parallel int/long arrays rather than objects,
 * so that a later JIT can walk the same data.
 */
public final class Block {
    final long pa;
    final int length;
    final int[] op;
    final int[] word;
    final int[] regs;
    final long[] imm;
    /** Cleared when the code underneath is written or invalidated (IC, TLBI with a cache flush). */
    boolean valid = true;

    Block(long pa, int length, int[] op, int[] word, int[] regs, long[] imm) {
        this.pa = pa;
        this.length = length;
        this.op = op;
        this.word = word;
        this.regs = regs;
        this.imm = imm;
    }

    long endPa() {
        return pa + 4L * length;
    }

    public int length() {
        return length;
    }
}
