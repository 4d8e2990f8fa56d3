package org.polyvisor.ppc.internal.exec;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.polyvisor.ppc.internal.decode.Decoder;
import org.polyvisor.ppc.internal.mmu.CodeWatch;
import org.polyvisor.ppc.internal.mmu.DataAccess;

/**
 * Pre-decoded copies of guest code pages, keyed by real page address: per 4 KiB page the instruction words and
 * their operation ids, so that the interpreter's fetch is an array read and decoding happens once per word.
 *
 * <p>Coherence: a page with a copy never gets a write entry in the software TLB, so every store to it takes the
 * slow path, which updates the copy ({@link #stored}); writes that bypass the CPU (snapshot restore) clear the
 * cache.
 */
public final class CodeCache implements CodeWatch {
    private static final int BITS = 10;
    private static final int SIZE = 1 << BITS;

    private final long[] tags = new long[SIZE];
    private final int[][] words = new int[SIZE][];
    private final int[][] ops = new int[SIZE][];
    /** Compiled blocks by start word, and execution counts that decide when to compile. */
    private final Block[][] blocks = new Block[SIZE][];
    private final int[][] counts = new int[SIZE][];
    /** Length in words of each compiled block, so that a store drops only the blocks it overlaps. */
    private final byte[][] lengths = new byte[SIZE][];

    public CodeCache() {
        clear();
    }

    public void clear() {
        Arrays.fill(tags, -1L);
    }

    private static int slot(long page) {
        return (int) ((page >>> 12) ^ (page >>> 22)) & (SIZE - 1);
    }

    @Override
    public boolean contains(long ra) {
        long page = ra & ~0xFFFL;
        return tags[slot(page)] == page;
    }

    /** The decoded copy of the page at {@code seg[pageOff..]} (real page {@code ra}), made on first use. */
    int lookup(long ra, MemorySegment seg, long pageOff) {
        long page = ra & ~0xFFFL;
        int s = slot(page);
        if (tags[s] != page) {
            int[] w = words[s];
            int[] o = ops[s];
            if (w == null) {
                w = new int[1024];
                o = new int[1024];
                words[s] = w;
                ops[s] = o;
                blocks[s] = new Block[1024];
                counts[s] = new int[1024];
                lengths[s] = new byte[1024];
            } else {
                Arrays.fill(blocks[s], null);
                Arrays.fill(counts[s], 0);
            }
            for (int i = 0; i < 1024; i++) {
                w[i] = seg.get(DataAccess.BE_INT, pageOff + 4L * i);
                o[i] = Decoder.decode(w[i]);
            }
            tags[s] = page;
        }
        return s;
    }

    int[] words(int s) {
        return words[s];
    }

    int[] ops(int s) {
        return ops[s];
    }

    Block[] blocks(int s) {
        return blocks[s];
    }

    int[] counts(int s) {
        return counts[s];
    }

    /** Records a compiled block of {@code len} words starting at word {@code start} of the current fetch page. */
    static void setLength(byte[] lengths, int start, int len) {
        lengths[start] = (byte) len;
    }

    byte[] lengths(int s) {
        return lengths[s];
    }

    /**
     * A store of {@code size} bytes at real address ra went to memory: refresh the words it touched and drop the
     * compiled blocks that contain them (data next to code in one page costs nothing more). Returns true if a
     * block was dropped.
     */
    @Override
    public boolean stored(long ra, int size, MemorySegment seg, long off) {
        long page = ra & ~0xFFFL;
        int s = slot(page);
        if (tags[s] != page) {
            return false;
        }
        boolean dropped = false;
        int firstWord = (int) (ra & 0xFFF) >>> 2;
        int lastWord = Math.min(1023, (int) ((ra & 0xFFF) + size - 1) >>> 2);
        Block[] b = blocks[s];
        byte[] len = lengths[s];
        for (int k = Math.max(0, firstWord - BlockCompiler.MAX + 1); k <= lastWord; k++) {
            if (b[k] != null && k + len[k] > firstWord) {
                b[k] = null;
                counts[s][k] = 0;
                dropped = true;
            }
        }
        long pageOff = off - (ra & 0xFFF);
        int first = (int) (ra & 0xFFF) >>> 2;
        int last = Math.min(1023, (int) ((ra & 0xFFF) + size - 1) >>> 2);
        for (int i = first; i <= last; i++) {
            words[s][i] = seg.get(DataAccess.BE_INT, pageOff + 4L * i);
            ops[s][i] = Decoder.decode(words[s][i]);
        }
        return dropped;
    }
}
