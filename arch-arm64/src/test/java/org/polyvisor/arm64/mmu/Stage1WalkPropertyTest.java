package org.polyvisor.arm64.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.mmu.DataAccess;
import org.polyvisor.arm64.testing.CpuHarness;

/**
 * The stage-1 walk against an independent table builder: for each granule, random VA pages mapped to random PA
 * pages translate to exactly those pages (offset preserved); unmapped pages fault.
 */
class Stage1WalkPropertyTest {
    private static final long RAM = CpuHarness.RAM;

    /** Builds VMSAv8-64 tables for one granule with level-3 pages only. */
    static final class Tables {
        final CpuHarness h;
        final int granuleBits;
        final int inputSize;
        final long root;
        long next;

        Tables(CpuHarness h, int granuleBits, int inputSize) {
            this.h = h;
            this.granuleBits = granuleBits;
            this.inputSize = inputSize;
            this.next = RAM + (1 << 19); // tables in the upper half of the 1 MiB RAM, data pages in the lower
            this.root = alloc();
        }

        long alloc() {
            long t = next;
            next += 1L << granuleBits;
            for (long a = t; a < next; a += 8) {
                h.memory.write(a, 8, 0, ByteOrder.LITTLE_ENDIAN);
            }
            return t;
        }

        void map(long va, long pa) {
            int stride = granuleBits - 3;
            int levels = (inputSize - granuleBits + stride - 1) / stride;
            long table = root;
            for (int level = 4 - levels; level < 3; level++) {
                int shift = granuleBits + (3 - level) * stride;
                long slot = table + 8 * ((va >>> shift) & ((1L << Math.min(stride, inputSize - shift)) - 1));
                long d = h.memory.read(slot, 8, ByteOrder.LITTLE_ENDIAN);
                if ((d & 1) == 0) {
                    long t = alloc();
                    d = t | 3;
                    h.memory.write(slot, 8, d, ByteOrder.LITTLE_ENDIAN);
                }
                table = d & 0x0000_FFFF_FFFF_F000L & ~((1L << granuleBits) - 1);
            }
            long slot = table + 8 * ((va >>> granuleBits) & ((1L << stride) - 1));
            h.memory.write(slot, 8, pa | (1 << 10) | 3, ByteOrder.LITTLE_ENDIAN);
        }
    }

    @Property(tries = 300)
    void walkFindsMappedPages(@ForAll @IntRange(min = 0, max = 2) int granule, @ForAll long seed) {
        int granuleBits = new int[] {12, 14, 16}[granule];
        int tg0 = new int[] {0, 2, 1}[granule];
        int inputSize = new int[] {39, 36, 42}[granule];
        Random r = new Random(seed);
        try (CpuHarness h = new CpuHarness()) {
            Tables t = new Tables(h, granuleBits, inputSize);
            Map<Long, Long> mapped = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                long vpage = (r.nextLong() & ((1L << inputSize) - 1)) >>> granuleBits << granuleBits;
                long ppage = RAM + ((long) r.nextInt(4) << granuleBits);
                t.map(vpage, ppage);
                mapped.put(vpage, ppage);
            }
            Cpu c = h.cpu;
            c.sys[c.iTcr] = (64 - inputSize) | ((long) tg0 << 14) | (1L << 23);
            c.sys[c.iTtbr0] = t.root;
            c.sys[c.iSctlr] |= 1;
            h.core.mem.flushTlb();
            for (Map.Entry<Long, Long> e : mapped.entrySet()) {
                long off = r.nextLong() & ((1L << granuleBits) - 1) & ~7L;
                assertEquals(e.getValue() + off, h.core.mem.probe(e.getKey() + off, DataAccess.ACC_R, false),
                        () -> "VA 0x" + Long.toHexString(e.getKey()));
            }
            long unmapped = ((r.nextLong() & ((1L << inputSize) - 1)) >>> granuleBits << granuleBits);
            if (!mapped.containsKey(unmapped)) {
                assertEquals(true, h.core.mem.probe(unmapped, DataAccess.ACC_R, false) < 0, "unmapped page must fault");
            }
        }
    }
}
