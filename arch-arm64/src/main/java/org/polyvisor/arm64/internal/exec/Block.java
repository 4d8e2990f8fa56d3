package org.polyvisor.arm64.internal.exec;

/**
 * A decoded basic block: straight-line instructions from one physical page, ending at a branch, an exception-
 * generating or state-changing system instruction, or the page end. Parallel int/long arrays rather than objects,
 * so that a later JIT can walk the same data.
 */
public final class Block {
    final long pa;
    final int length;
    /** Handler id in bits 31..24, register-file indices below (see Encoding.packRegs). */
    final int[] code;
    final int[] word;
    final long[] imm;
    /** Cleared when the code underneath is written or invalidated (IC, TLBI with a cache flush). */
    boolean valid = true;
    /** One-instruction blocks over this one, built when a sample first falls inside it ({@link Sampling}). */
    Block[] singles;

    Block(long pa, int length, int[] code, int[] word, long[] imm) {
        this.pa = pa;
        this.length = length;
        this.code = code;
        this.word = word;
        this.imm = imm;
    }

    long endPa() {
        return pa + 4L * length;
    }

    public int length() {
        return length;
    }
}
