package org.polyvisor.arm64.guests;

import java.util.List;
import java.util.Random;
import java.util.Set;

import org.polyvisor.arm64.internal.decode.Decoder;
import org.polyvisor.arm64.internal.decode.Encoding;
import org.polyvisor.arm64.internal.decode.Op;

/**
 * Random integer data-processing instructions drawn from the decode table: an entry is picked, its free bits are
 * filled at random, and the word is kept only if the decoder maps it back to that entry (so every generated word is
 * allocated as far as the table knows; QEMU's verdict on that is part of the comparison). Words that would write
 * SP or x30 are rejected: the harness needs both intact.
 */
final class RandomInstructionGenerator {
    static final Set<Integer> DATA_OPS = Set.of(Op.ADR, Op.ADRP, Op.ADD_IMM, Op.ADDS_IMM, Op.SUB_IMM, Op.SUBS_IMM,
            Op.LOGIC_IMM, Op.MOVN, Op.MOVZ, Op.MOVK, Op.SBFM, Op.BFM, Op.UBFM, Op.EXTR, Op.LOGIC_REG,
            Op.ADDSUB_SHIFT, Op.ADDSUB_EXT, Op.ADC, Op.CCMP_REG, Op.CCMP_IMM, Op.CSEL, Op.DIV, Op.SHIFTV, Op.DP1,
            Op.MADD, Op.MADDL, Op.MULH, Op.CRC32);

    private final Decoder decoder = Decoder.a64();
    private final List<Encoding> candidates;
    private final Random random;

    RandomInstructionGenerator(long seed) {
        this.random = new Random(seed);
        this.candidates = decoder.table().stream().filter(e -> DATA_OPS.contains(e.op())).toList();
    }

    int next() {
        while (true) {
            Encoding e = candidates.get(random.nextInt(candidates.size()));
            int w = e.matchBits() | (random.nextInt() & ~e.mask());
            if (decoder.decode(w) != e) {
                continue;
            }
            int rd = e.packRegs(w) & 0x3F;
            boolean writesRd = e.op() != Op.CCMP_REG && e.op() != Op.CCMP_IMM;
            if (writesRd && (rd == Encoding.SP || rd == 30)) {
                continue;
            }
            return w;
        }
    }

    String describe(int w) {
        Encoding e = decoder.decode(w);
        return String.format("%08x %s", w, e == null ? "UNDEFINED" : e.name());
    }
}
