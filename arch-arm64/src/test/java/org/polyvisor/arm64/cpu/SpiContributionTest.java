package org.polyvisor.arm64.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.cpu.sysreg.SysRegFile;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegTable;
import org.polyvisor.arm64.testing.CpuHarness;

/** Features plug in through the SPI: a system-register table and a stage-2 translation. */
class SpiContributionTest {
    private static final SysRegTable IMPDEF = new SysRegTable() {
        @Override
        public String name() {
            return "test-impdef";
        }

        @Override
        public List<SysReg> registers() {
            return List.of(SysReg.plain("TEST_IMPDEF_EL1", 3, 0, 15, 0, 0, SysReg.RW_EL1, 0)
                    .withRead(s -> s.raw("TEST_IMPDEF_EL1") + 42));
        }
    };

    @Test
    void contributedRegisterAndStage2AreUsed() {
        long window = 0x8000_0000L;
        long backing = CpuHarness.RAM + 0x1000;
        try (CpuHarness h = new CpuHarness(identity -> new Stage2() {
            @Override
            public long translate(long ipa, boolean write, boolean exec) {
                return ipa >= window && ipa < window + 0x1000 ? backing + (ipa - window)
                        : identity.translate(ipa, write, exec);
            }
        }, SysRegFile.cortexA57(List.of(IMPDEF)))) {
            h.memory.write(backing, 8, 0x1122334455667788L, ByteOrder.LITTLE_ENDIAN);
            h.cpu.x[1] = window;
            h.run(0xf9400020, // ldr x0, [x1]
                    0xd538f002, // mrs x2, s3_0_c15_c0_0
                    0xd518f000, // msr s3_0_c15_c0_0, x0
                    0xd538f003, // mrs x3, s3_0_c15_c0_0
                    0xd4000002); // hvc #0
            assertEquals(0x1122334455667788L, h.x(0), "load through the contributed stage 2");
            assertEquals(42, h.x(2), "read hook of the contributed register");
            assertEquals(0x1122334455667788L + 42, h.x(3));
        }
    }

    @Test
    void stage2FaultsCanExitToTheHypervisorLayerAndBeFixedUp() {
        long window = 0x8000_0000L;
        long backing = CpuHarness.RAM + 0x2000;
        boolean[] mapped = {false};
        long[] generation = {0};
        try (CpuHarness h = new CpuHarness(identity -> new Stage2() {
            @Override
            public long translate(long ipa, boolean write, boolean exec) {
                if (ipa >= window && ipa < window + 0x1000) {
                    return mapped[0] ? backing + (ipa - window) : FAULT;
                }
                return identity.translate(ipa, write, exec);
            }

            @Override
            public boolean exitOnFault(long ipa) {
                return ipa >= window && ipa < window + 0x1000;
            }

            @Override
            public long generation() {
                return generation[0];
            }
        }, SysRegFile.cortexA57())) {
            h.memory.write(backing + 8, 8, 77, ByteOrder.LITTLE_ENDIAN);
            h.cpu.x[1] = window + 8;
            var exit = Assertions.assertInstanceOf(
                    Arm64Exit.class, h.run(0xf9400020, 0xd4000002)); // ldr x0,[x1]; hvc
            assertEquals("DABT_LOW", exit.exitClass());
            assertEquals(window >>> 8, exit.hpfar(), "HPFAR_EL2 holds IPA[47:12] at [43:4]");
            assertEquals(window + 8, exit.far());
            assertEquals(CpuHarness.RAM, h.cpu.pc, "the faulting load will run again");
            mapped[0] = true;
            generation[0]++;
            h.core.mem.checkStage2Generation();
            assertEquals("HVC64", ((Arm64Exit) h.runToExit()).exitClass());
            assertEquals(77, h.x(0));
        }
    }

    @Test
    void aTableMayNotTakeAnEncodingAlreadyOwned() {
        SysRegTable clash = new SysRegTable() {
            @Override
            public String name() {
                return "clash";
            }

            @Override
            public List<SysReg> registers() {
                return List.of(SysReg.plain("MY_SCTLR", 3, 0, 1, 0, 0, SysReg.RW_EL1, 0));
            }
        };
        assertThrows(IllegalArgumentException.class, () -> SysRegFile.cortexA57(List.of(clash)));
    }
}
