package org.polyvisor.arm64.internal.decode;

import java.util.List;

/**
 * Finds the table entry of an instruction word. Used when a block is decoded (not per executed instruction), so a
 * scan bucketed by the top-level op0 field (bits 28..25) is fast enough.
 */
public final class Decoder {
    private final List<Encoding> table;
    private final Encoding[][] buckets = new Encoding[16][];

    public Decoder(List<Encoding> table) {
        this.table = List.copyOf(table);
        for (int op0 = 0; op0 < 16; op0++) {
            int probeMask = 0xF << 25;
            int probe = op0 << 25;
            final int p = probe;
            buckets[op0] = this.table.stream()
                    .filter(e -> ((e.mask() & probeMask) & (e.matchBits() ^ p)) == 0)
                    .toArray(Encoding[]::new);
        }
    }

    /** A decoder over the full A64 table. */
    public static Decoder a64() {
        return new Decoder(A64Table.entries());
    }

    /** The matching entry, or null when the word is unallocated (UNDEFINED). */
    public Encoding decode(int word) {
        for (Encoding e : buckets[(word >>> 25) & 0xF]) {
            if (e.matches(word)) {
                return e;
            }
        }
        return null;
    }

    public List<Encoding> table() {
        return table;
    }
}
