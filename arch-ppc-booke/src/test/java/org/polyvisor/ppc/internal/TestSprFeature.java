package org.polyvisor.ppc.internal;

import java.util.List;

import org.polyvisor.ppc.spi.BookeSpr;
import org.polyvisor.ppc.spi.BookeSprTable;

/**
 * The feature SPRs guests/ppc/featspr uses: 720 (privileged number) plain supervisor storage, 705 readable from user
 * state with a write hook that keeps the low 16 bits (a register with a 16-bit implemented field).
 */
class TestSprFeature implements BookeSprTable {
    static final int PRIV = 720;
    static final int USER = 705;
    private final String name;

    TestSprFeature() {
        this("test-feature");
    }

    TestSprFeature(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<BookeSpr> registers() {
        return List.of(BookeSpr.plain(PRIV, "TEST_FEAT", BookeSpr.RW_SUPERVISOR, 0),
                BookeSpr.plain(USER, "TEST_FEAT_U", BookeSpr.RO_USER, 0x705)
                        .withWrite((vcpu, value) -> vcpu.setRaw(USER, value & 0xFFFF)));
    }
}
