package org.polyvisor.testfeature.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegTable;

/**
 * A feature of the kind feature-spe will be: it gives arm64 vCPUs a system register through the arm64 SPI. The
 * register (IMPLEMENTATION DEFINED encoding S3_0_C15_C0_0, read/write at EL1) holds guest state, so swapping this
 * bundle under running VMs must keep its value (guests/arm64/featreg checks every round).
 */
@Component
public final class TestFeatureRegisters implements SysRegTable {
    @Override
    public String name() {
        return "test-feature";
    }

    @Override
    public List<SysReg> registers() {
        // The write hook is this bundle's code in every vCPU that has the register: a machine that kept it after an
        // update would keep the replaced revision's class loader alive (FeatureSwapIT checks that none does).
        return List.of(SysReg.plain("TEST_FEAT_EL1", 3, 0, 15, 0, 0, SysReg.RW_EL1, 0)
                .withWrite((cpu, value) -> cpu.setRaw("TEST_FEAT_EL1", value)));
    }
}
