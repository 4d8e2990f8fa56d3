package org.polyvisor.arm64.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.polyvisor.arm64.internal.hyp.HostMachine;
import org.polyvisor.arm64.internal.hyp.Stage2Geometry;
import org.polyvisor.arm64.internal.hyp.Stage2PageTable;
import org.polyvisor.arm64.internal.mmu.Stage2Walk;

/**
 * The stage-2 walker (CPU side) against a plain list of mappings, for tables built by the hypervisor's builder: random
 * IPA sizes (32..48 bits) and granules, random page and block mappings with random rights, probed at random IPAs
 * inside and outside the mappings, including the last bytes below 2^ipa and 2^ipa itself.
 */
class Stage2WalkPropertyTest {
    private static final int[] GRANULES = {12, 14, 16};

    private record Mapping(long ipa, long hpa, long size, int prot) {
        boolean covers(long a) {
            return a - ipa >= 0 && a - ipa < size;
        }
    }

    @Property(tries = 200)
    void walkerAgreesWithTheReferenceMap(@ForAll @IntRange(min = 0, max = 2) int granule,
                                         @ForAll @IntRange(min = 32, max = 48) int ipaBits, @ForAll long seed) {
        Random rnd = new Random(seed);
        int g = GRANULES[granule];
        try (HostMachine host = new HostMachine(5)) { // PARange 48 bits
            Stage2Geometry geo = Stage2Geometry.of(ipaBits, g, host.parange(), false, false);
            Stage2PageTable table = new Stage2PageTable(host.memory(), host.pool(), geo);
            List<Mapping> maps = new ArrayList<>();
            long block = 1L << (g + g - 3); // a level-2 block
            for (int i = 0; i < 24; i++) {
                long size = rnd.nextInt(3) == 0 && block <= 1L << (ipaBits - 2) ? block
                        : (1L << g) * (1 + rnd.nextInt(3));
                long align = size == block ? block : 1L << g;
                long ipa = i == 0 ? (1L << ipaBits) - size // always use the top of the IPA space
                        : (rnd.nextLong() & ((1L << ipaBits) - 1) & -align);
                if (ipa + size > 1L << ipaBits
                        || maps.stream().anyMatch(m -> ipa < m.ipa + m.size && m.ipa < ipa + size)) {
                    continue;
                }
                long hpa = 0x100_0000_0000L + (rnd.nextLong() & 0x7F_FFFF_FFFFL & -align); // anywhere below 2^41
                int prot = Stage2PageTable.PROT_R | (rnd.nextBoolean() ? Stage2PageTable.PROT_W : 0)
                        | (rnd.nextBoolean() ? Stage2PageTable.PROT_X : 0);
                table.map(ipa, hpa, size, prot);
                maps.add(new Mapping(ipa, hpa, size, prot));
            }
            Stage2Walk walk = new Stage2Walk(host.memory());
            long vttbr = table.root() | (7L << 48);
            List<Long> probes = new ArrayList<>(List.of((1L << ipaBits) - 1, 1L << ipaBits, 0L));
            for (Mapping m : maps) {
                probes.add(m.ipa);
                probes.add(m.ipa + m.size - 1);
                probes.add(m.ipa + (rnd.nextLong() & (m.size - 1)));
                probes.add(m.ipa + m.size); // just after: usually unmapped
            }
            for (int i = 0; i < 50; i++) {
                probes.add(rnd.nextLong() & ((1L << (ipaBits + 1)) - 1));
            }
            for (long a : probes) {
                Mapping m = maps.stream().filter(x -> x.covers(a)).findFirst().orElse(null);
                for (int kind = 0; kind < 3; kind++) {
                    boolean write = kind == 1;
                    boolean exec = kind == 2;
                    long got = walk.translate(vttbr, geo.vtcr(), a, write, exec, false);
                    String what = "granule " + (1 << g) + ", IPA " + ipaBits + " bits, 0x" + Long.toHexString(a)
                            + (write ? " write" : exec ? " exec" : " read");
                    if (m == null) {
                        assertEquals(Stage2Walk.FAULT, got, what + ": unmapped");
                        assertEquals(Stage2Walk.FSC_TRANSLATION, walk.faultStatus & 0x3C, what + ": translation fault");
                        if ((a >>> ipaBits) != 0) {
                            assertEquals(Stage2Walk.FSC_TRANSLATION, walk.faultStatus, what + ": beyond 2^ipa, level 0");
                        }
                        continue;
                    }
                    boolean allowed = write ? (m.prot & Stage2PageTable.PROT_W) != 0
                            : !exec || (m.prot & Stage2PageTable.PROT_X) != 0;
                    if (allowed) {
                        assertEquals(m.hpa + (a - m.ipa), got, what);
                    } else {
                        assertEquals(Stage2Walk.FAULT, got, what + ": no right");
                        assertEquals(Stage2Walk.FSC_PERMISSION, walk.faultStatus & 0x3C, what + ": permission fault");
                    }
                }
            }
            // unmapping puts every mapping back to a translation fault; the tables go back to the pool
            for (Mapping m : maps) {
                table.unmap(m.ipa, m.size);
                assertEquals(Stage2Walk.FAULT, walk.translate(vttbr, geo.vtcr(), m.ipa, false, false, false));
            }
            table.destroy();
            assertEquals(0, host.pool().bytesInUse(), "every table page returned");
        }
    }
}
