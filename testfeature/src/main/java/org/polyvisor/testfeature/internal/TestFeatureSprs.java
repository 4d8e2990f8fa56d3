package org.polyvisor.testfeature.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.ppc.spi.BookeSpr;
import org.polyvisor.ppc.spi.BookeSprTable;

/**
 * The same kind of feature for ppc-booke VMs: two SPRs the e500mc does not implement, through the ppc-booke SPI
 * (guests/ppc/featspr and featsprlong use them). Their values are the guest's state, so swapping this bundle under
 * a running VM must keep them (FeatureSwapIT checks the guest's read-increment-write loop loses no increment).
 */
@Component
public final class TestFeatureSprs implements BookeSprTable {
    /** Privileged SPR number (bit 0x10): supervisor read/write storage. */
    static final int PRIV = 720;
    /** User-readable SPR number; its write hook keeps 16 bits. */
    static final int USER = 705;

    @Override
    public String name() {
        return "test-feature";
    }

    @Override
    public List<BookeSpr> registers() {
        // the write hook is this bundle's code in every vCPU that has the SPR: a machine that kept it after an update
        // would keep the replaced revision's class loader alive
        return List.of(BookeSpr.plain(PRIV, "TEST_FEAT", BookeSpr.RW_SUPERVISOR, 0),
                BookeSpr.plain(USER, "TEST_FEAT_U", BookeSpr.RO_USER, 0x705)
                        .withWrite((vcpu, value) -> vcpu.setRaw(USER, value & 0xFFFF)));
    }
}
