package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.testing.CpuHarness;
import org.polyvisor.spi.StateIncompatibleException;
import org.polyvisor.spi.StateSnapshot;

/** "arm64.vcpu" v1 snapshots round-trip exactly, and a restored vCPU continues exactly like the original. */
class StateRoundTripTest {
    @Test
    void exportImportExportIsIdentical() {
        try (CpuHarness a = new CpuHarness(); CpuHarness b = new CpuHarness()) {
            Random r = new Random(42);
            for (int i = 0; i < 31; i++) {
                a.cpu.x[i] = r.nextLong();
            }
            for (SysReg s : a.cpu.regs.all()) {
                a.cpu.sys[a.cpu.regs.index(s.name())] = r.nextLong();
            }
            a.cpu.setPstate(0x6000_0200L | 0b0100); // EL1t, Z and C, D masked
            a.cpu.x[33] = 0x4000_8000L;
            a.cpu.spEl1 = 0x4001_0000L;
            a.cpu.pc = 0x4000_1234L;
            Arm64Vcpu va = a.vcpu();
            StateSnapshot s1 = va.exportState();
            Arm64Vcpu vb = b.vcpu();
            vb.importState(s1);
            StateSnapshot s2 = vb.exportState();
            assertEquals(s1, s2);
            assertEquals(va.registers(), vb.registers());
            assertEquals(0x4000_8000L, s1.value("sp_el0"), "EL1t runs on SP_EL0");
        }
    }

    @Test
    void restoredVcpuContinuesIdentically() {
        int[] code = {
            0xd2800020, // mov x0, #1
            0xd4000002, // hvc #0          <- snapshot here
            0x8b000000, // add x0, x0, x0
            0x91000421, // add x1, x1, #1
            0xf100041f, // cmp x0, #1
            0xd4000002, // hvc #0
        };
        try (CpuHarness a = new CpuHarness(); CpuHarness b = new CpuHarness()) {
            a.run(code);
            b.load(CpuHarness.RAM, code);
            Arm64Vcpu va = a.vcpu();
            Arm64Vcpu vb = b.vcpu();
            vb.importState(va.exportState());
            a.runToExit();
            b.runToExit();
            assertEquals(va.registers(), vb.registers());
            assertEquals(2, a.x(0));
            assertEquals(a.cpu.nzcv(), b.cpu.nzcv());
        }
    }

    @Test
    void rejectsOtherKindsAndNewerVersions() {
        try (CpuHarness a = new CpuHarness()) {
            Arm64Vcpu v = a.vcpu();
            assertThrows(StateIncompatibleException.class, () -> v.importState(StateSnapshot.builder("ppc.vcpu", 1).build()));
            assertThrows(StateIncompatibleException.class, () -> v.importState(StateSnapshot.builder("arm64.vcpu", Arm64Vcpu.STATE_VERSION + 1).build()));
        }
    }
}
