package org.polyvisor.ppc.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Add/subtract-with-carry and rotate-and-mask against arbitrary-precision arithmetic, for arbitrary operands. */
class ArithmeticPropertyTest {
    private static final BigInteger TWO32 = BigInteger.ONE.shiftLeft(32);

    private static BigInteger u(int v) {
        return BigInteger.valueOf(v & 0xFFFF_FFFFL);
    }

    @Property(tries = 300)
    void addeoMatchesBigIntegers(@ForAll int a, @ForAll int b, @ForAll boolean carryIn) {
        try (CpuHarness h = new CpuHarness()) {
            Cpu c = h.cpu;
            c.gpr[4] = a;
            c.gpr[5] = b;
            c.xer = carryIn ? 0x2000_0000 : 0;
            h.run(31 << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 1 << 10 | 138 << 1 | 1); // addeo.
            BigInteger sum = u(a).add(u(b)).add(carryIn ? BigInteger.ONE : BigInteger.ZERO);
            long signed = (long) a + b + (carryIn ? 1 : 0);
            boolean ov = signed != (int) signed;
            assertEquals(sum.mod(TWO32).intValue(), c.gpr[3]);
            int expectXer = (sum.compareTo(TWO32) >= 0 ? 0x2000_0000 : 0) | (ov ? 0xC000_0000 : 0);
            assertEquals(expectXer, c.xer);
            int r = c.gpr[3];
            int crf = (r < 0 ? 8 : r > 0 ? 4 : 2) | (ov ? 1 : 0);
            assertEquals(crf, c.cr >>> 28);
        }
    }

    @Property(tries = 300)
    void subfcMatchesBigIntegers(@ForAll int a, @ForAll int b) {
        try (CpuHarness h = new CpuHarness()) {
            Cpu c = h.cpu;
            c.gpr[4] = a;
            c.gpr[5] = b;
            h.run(31 << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 8 << 1); // subfc r3,r4,r5 = r5 - r4
            assertEquals(b - a, c.gpr[3]);
            assertEquals(u(b).compareTo(u(a)) >= 0 ? 0x2000_0000 : 0, c.xer);
        }
    }

    @Property(tries = 300)
    void rlwinmIsRotateThenMask(@ForAll int s, @ForAll("five") int sh, @ForAll("five") int mb, @ForAll("five") int me) {
        try (CpuHarness h = new CpuHarness()) {
            h.cpu.gpr[4] = s;
            h.run(21 << 26 | 4 << 21 | 3 << 16 | sh << 11 | mb << 6 | me << 1);
            long mask = 0;
            for (int bit = mb; ; bit = (bit + 1) & 31) {
                mask |= 1L << (31 - bit);
                if (bit == me) {
                    break;
                }
            }
            assertEquals(Integer.rotateLeft(s, sh) & (int) mask, h.cpu.gpr[3]);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> five() {
        return net.jqwik.api.Arbitraries.integers().between(0, 31);
    }
}
