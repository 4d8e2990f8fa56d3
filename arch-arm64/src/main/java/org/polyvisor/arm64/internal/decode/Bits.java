package org.polyvisor.arm64.internal.decode;

/** Field extraction helpers shared by the decoder and the instruction semantics. */
public final class Bits {
    private Bits() {
    }

    /** Bits hi..lo of w, zero-extended. */
    public static int f(int w, int hi, int lo) {
        return (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
    }

    public static boolean bit(int w, int b) {
        return ((w >>> b) & 1) != 0;
    }

    /** Sign-extends the low {@code width} bits of v. */
    public static long sext(long v, int width) {
        return (v << (64 - width)) >> (64 - width);
    }

    /** ARM ARM DecodeBitMasks; returns {wmask, tmask} or null when reserved. */
    public static long[] decodeBitMasks(int n, int imms, int immr, boolean immediate, int dataSize) {
        int combined = (n << 6) | (~imms & 0x3F);
        if (combined == 0) {
            return null;
        }
        int len = 31 - Integer.numberOfLeadingZeros(combined);
        if (len < 1) {
            return null;
        }
        int levels = (1 << len) - 1;
        if (immediate && (imms & levels) == levels) {
            return null;
        }
        int s = imms & levels;
        int r = immr & levels;
        int diff = (s - r) & levels;
        int esize = 1 << len;
        if (esize > dataSize) {
            return null;
        }
        long welem = ones(s + 1);
        long telem = ones(diff + 1);
        welem = rorElem(welem, r, esize);
        return new long[] {replicate(welem, esize, dataSize), replicate(telem, esize, dataSize)};
    }

    static long ones(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    private static long rorElem(long v, int r, int esize) {
        if (r == 0) {
            return v;
        }
        long mask = ones(esize);
        return ((v >>> r) | (v << (esize - r))) & mask;
    }

    private static long replicate(long v, int esize, int dataSize) {
        long out = 0;
        for (int i = 0; i < dataSize; i += esize) {
            out |= v << i;
        }
        return dataSize == 64 ? out : out & 0xFFFF_FFFFL;
    }
}
