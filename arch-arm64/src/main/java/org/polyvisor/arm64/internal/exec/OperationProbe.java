package org.polyvisor.arm64.internal.exec;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.spi.SampledOperation;

/**
 * Classifies a sampled instruction from its encoding (ARM ARM C4.1, "A64 instruction set encoding") and computes a
 * load's or store's first data address from the registers before it executes, so that sampling needs nothing from
 * the load/store fast paths. Runs only for sampled operations.
 */
final class OperationProbe {
    private OperationProbe() {
    }

    /** The operation class of an instruction word ({@link SampledOperation#type()} values). */
    static int type(int w) {
        if ((w & 0x0A00_0000) == 0x0800_0000) { // op0 = x1x0: loads and stores
            if ((w & 0x3B00_0000) == 0x1800_0000) {
                return (w >>> 30) == 3 && (w & (1 << 26)) == 0 ? SampledOperation.OTHER : SampledOperation.LOAD; // PRFM
            }
            return isLoad(w) ? SampledOperation.LOAD : SampledOperation.STORE;
        }
        if ((w & 0x1C00_0000) == 0x1400_0000) { // op0 = x101: branches, exception generation, system
            int top = w >>> 25;
            boolean imm = (w & 0x7C00_0000) == 0x1400_0000;                 // B, BL
            boolean cmpBr = (w & 0x7C00_0000) == 0x3400_0000;               // CBZ/CBNZ, TBZ/TBNZ
            boolean cond = (w & 0xFE00_0000) == 0x5400_0000;                // B.cond
            boolean reg = (top & 0x7F) == 0x6B;                             // BR, BLR, RET, ERET
            return imm || cmpBr || cond || reg ? SampledOperation.BRANCH : SampledOperation.OTHER;
        }
        return SampledOperation.OTHER;
    }

    /** Load (L = 1, or a single-register load/prefetch opc) rather than store, for a load/store encoding. */
    private static boolean isLoad(int w) {
        if ((w & 0x3B00_0000) == 0x3800_0000 || (w & 0x3B00_0000) == 0x3900_0000) {
            return ((w >>> 22) & 3) != 0; // single register: opc 00 = store
        }
        return (w & (1 << 22)) != 0;      // pairs, exclusives, acquire/release: L bit
    }

    static boolean conditional(int w) {
        return (w & 0x7C00_0000) == 0x3400_0000 || (w & 0xFE00_0000) == 0x5400_0000
                || (w & 0x1FE0_0000) == 0x1A80_0000; // CSEL, CSINC, CSINV, CSNEG
    }

    static boolean indirect(int w) {
        return (w >>> 25) == 0x6B;
    }

    /** The first byte a load or store accesses, from the registers as they are before it executes. */
    static long dataVa(Cpu c, int w, long pc) {
        int rn = (w >>> 5) & 31;
        long base = rn == 31 ? c.x[33] : c.x[rn];
        if ((w & 0x3B00_0000) == 0x1800_0000) {                              // literal
            return pc + ((long) ((w << 8) >> 13) << 2);
        }
        if ((w & 0x3B00_0000) == 0x3900_0000) {                              // unsigned offset, scaled
            int scale = w >>> 30;
            if ((w & (1 << 26)) != 0 && ((w >>> 23) & 1) != 0) {
                scale = 4;                                                   // 128-bit SIMD&FP register
            }
            return base + ((long) ((w >>> 10) & 0xFFF) << scale);
        }
        if ((w & 0x3B20_0C00) == 0x3820_0800) {                              // register offset
            int rm = (w >>> 16) & 31;
            int shift = ((w >>> 12) & 1) != 0 ? w >>> 30 : 0;
            return base + DataReg.extend(c.x[rm], (w >>> 13) & 7, shift);
        }
        if ((w & 0x3B20_0000) == 0x3800_0000) {                              // 9-bit signed offset forms
            long imm9 = (w << 11) >> 23;
            return ((w >>> 10) & 3) == 1 ? base : base + imm9;               // post-index uses the old base
        }
        if ((w & 0x3A00_0000) == 0x2800_0000) {                              // pairs
            int opc = w >>> 30;
            int scale = (w & (1 << 26)) != 0 ? 2 + opc : 2 + (opc >>> 1);
            long imm7 = (long) ((w << 10) >> 25) << scale;
            return ((w >>> 23) & 3) == 1 ? base : base + imm7;               // post-index uses the old base
        }
        return base;                                                         // exclusives, acquire/release
    }
}
