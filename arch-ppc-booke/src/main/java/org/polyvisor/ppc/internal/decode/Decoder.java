package org.polyvisor.ppc.internal.decode;

/**
 * Turns an instruction word into an operation id with two array lookups, built once from {@link EncodingTable}.
 * The interpreter calls {@link #decode} per instruction, so it must stay branch-light and allocation-free.
 */
public final class Decoder {
    private static final int EXT19 = -19;
    private static final int EXT31 = -31;
    private static final int[] PRIMARY = new int[64];
    private static final int[] X19 = new int[1024];
    private static final int[] X31 = new int[1024];
    private static final String[] NAMES = new String[Op.COUNT];
    private static final Encoding[] P_ENC = new Encoding[64];
    private static final Encoding[] X19_ENC = new Encoding[1024];
    private static final Encoding[] X31_ENC = new Encoding[1024];

    static {
        PRIMARY[19] = EXT19;
        PRIMARY[31] = EXT31;
        for (Encoding e : EncodingTable.ALL) {
            if (NAMES[e.op()] == null) {
                NAMES[e.op()] = e.mnemonic();
            }
            switch (e.form()) {
                case XL -> put(X19, e.xo(), e);
                case X, XFX -> put(X31, e.xo(), e);
                case XO -> {
                    put(X31, e.xo(), e);
                    put(X31, e.xo() + 512, e);
                }
                case A -> {
                    for (int bc = 0; bc < 32; bc++) {
                        put(X31, (bc << 5) | e.xo(), e);
                    }
                }
                default -> {
                    if (PRIMARY[e.primary()] != 0) {
                        throw new IllegalStateException("duplicate primary opcode " + e);
                    }
                    PRIMARY[e.primary()] = e.op();
                    P_ENC[e.primary()] = e;
                }
            }
        }
    }

    private static void put(int[] table, int xo, Encoding e) {
        if (table[xo] != 0) {
            throw new IllegalStateException("decode table collision at xo " + xo + ": " + e + " vs op " + table[xo]);
        }
        table[xo] = e.op();
        (table == X19 ? X19_ENC : X31_ENC)[xo] = e;
    }

    private Decoder() {
    }

    /** The operation id of an instruction word, {@link Op#ILLEGAL} when no encoding matches. */
    public static int decode(int w) {
        int op = PRIMARY[w >>> 26];
        if (op >= 0) {
            return op;
        }
        int xo = (w >>> 1) & 0x3FF;
        return op == EXT31 ? X31[xo] : X19[xo];
    }

    /** The table entry an instruction word matches, or null (diagnostics, tests, disassembly). */
    public static Encoding encoding(int w) {
        int p = w >>> 26;
        if (PRIMARY[p] >= 0) {
            return P_ENC[p];
        }
        int xo = (w >>> 1) & 0x3FF;
        return p == 31 ? X31_ENC[xo] : X19_ENC[xo];
    }

    /** Mnemonic of an operation id (diagnostics, tests). */
    public static String name(int op) {
        String n = op >= 0 && op < NAMES.length ? NAMES[op] : null;
        return n == null ? "illegal" : n;
    }
}
