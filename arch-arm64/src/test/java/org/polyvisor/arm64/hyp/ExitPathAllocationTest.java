package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitContext;

/**
 * The exit path allocates nothing: a guest hvc loop through the world switch and the PSCI handler, measured with the
 * thread's allocation counter after warm-up. One object per exit would be at least 16 bytes per exit.
 */
class ExitPathAllocationTest {
    @ParameterizedTest
    @ValueSource(strings = {"vhe", "nvhe"})
    void hvcRoundTripDoesNotAllocate(String host) {
        try (TestMachine m = new TestMachine(new Arm64Architecture(), host, 1)) {
            // 1: mov x0, #PSCI_VERSION (4 words); hvc #0; b 1b
            m.load(TestMachine.RAM, new A64().mov(0, 0x8400_0000L).hvc().word(0x17FF_FFFB).code());
            Arm64Vcpu v = m.vcpu(0);
            PsciHandler psci = new PsciHandler();
            ExitContext ctx = m.exitContext(v);
            var bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 300_000; i++) {
                psci.handle(ctx, (Exit.ArchExit) v.run());
            }
            int n = 1_000_000;
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < n; i++) {
                psci.handle(ctx, (Exit.ArchExit) v.run());
            }
            double perExit = (bean.getCurrentThreadAllocatedBytes() - before) / (double) n;
            assertTrue(perExit < 1.0, host + ": " + perExit + " bytes allocated per exit");
        }
    }
}
