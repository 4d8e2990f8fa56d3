package org.polyvisor.arm64.internal.cpu.sysreg;

import static org.polyvisor.arm64.spi.SysReg.plain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegAccess;
import org.polyvisor.arm64.spi.SysRegTable;

/**
 * Identification registers with the values a guest sees on QEMU's cortex-a57 (qemu-machines.md, QEMU
 * target/arm/cpu64.c aarch64_a57_initfn). Groups 2 and 3 trap to EL2 under HCR_EL2.TID2/TID3 as under KVM;
 * unassigned encodings of the ID space read as zero, as the architecture requires.
 */
public final class IdRegisters implements SysRegTable {
    static final SysReg.Check TID1 = trapIf(Hcr.TID1);
    static final SysReg.Check TID2 = trapIf(Hcr.TID2);
    static final SysReg.Check TID3 = trapIf(Hcr.TID3);

    private static SysReg.Check trapIf(long hcrField) {
        return (s, read) -> s.currentEl() == 1 && (s.hcr() & hcrField) != 0
                ? SysRegAccess.TRAP_EL2 : SysRegAccess.OK;
    }

    @Override
    public String name() {
        return "id-cortex-a57";
    }

    private static SysReg id(String name, int crm, int op2, long value) {
        return plain(name, 3, 0, 0, crm, op2, SysReg.RO_EL1, value).withCheck(TID3);
    }

    @Override
    public List<SysReg> registers() {
        List<SysReg> r = new ArrayList<>(List.of(
                plain("MIDR_EL1", 3, 0, 0, 0, 0, SysReg.RO_EL1, 0x411f_d070L),
                plain("MPIDR_EL1", 3, 0, 0, 0, 5, SysReg.RO_EL1, 0x8000_0000L),
                plain("REVIDR_EL1", 3, 0, 0, 0, 6, SysReg.RO_EL1, 0).withCheck(TID1),
                plain("AIDR_EL1", 3, 1, 0, 0, 7, SysReg.RO_EL1, 0).withCheck(TID1),
                plain("CTR_EL0", 3, 3, 0, 0, 1, SysReg.RO_EL0, 0x8444_c004L).withCheck((s, rd) -> {
                    if (s.currentEl() == 0 && (s.sctlr() & Sctlr.UCT) == 0) {
                        return SysRegAccess.TRAP_EL1;
                    }
                    return TID2.check(s, rd);
                }),
                plain("CLIDR_EL1", 3, 1, 0, 0, 1, SysReg.RO_EL1, 0x0a20_0023L).withCheck(TID2),
                plain("CCSIDR_EL1", 3, 1, 0, 0, 0, SysReg.RO_EL1, 0x701f_e00aL).withCheck(TID2),
                // BS = 4 (64-byte blocks); DZP set where DC ZVA is prohibited (EL0 without SCTLR_EL1.DZE)
                plain("DCZID_EL0", 3, 3, 0, 0, 7, SysReg.RO_EL0, 4).withRead(s -> s.currentEl() == 0
                        && (s.sctlr() & Sctlr.DZE) == 0 ? 0x14 : 4),
                id("ID_PFR0_EL1", 1, 0, 0x131), id("ID_PFR1_EL1", 1, 1, 0x11011),
                id("ID_DFR0_EL1", 1, 2, 0x0301_0066L), id("ID_AFR0_EL1", 1, 3, 0),
                id("ID_MMFR0_EL1", 1, 4, 0x1010_1105L), id("ID_MMFR1_EL1", 1, 5, 0x4000_0000L),
                id("ID_MMFR2_EL1", 1, 6, 0x0126_0000L), id("ID_MMFR3_EL1", 1, 7, 0x0210_2211L),
                id("ID_ISAR0_EL1", 2, 0, 0x0210_1110L), id("ID_ISAR1_EL1", 2, 1, 0x1311_2111L),
                id("ID_ISAR2_EL1", 2, 2, 0x2123_2042L), id("ID_ISAR3_EL1", 2, 3, 0x0111_2131L),
                id("ID_ISAR4_EL1", 2, 4, 0x0001_1142L), id("ID_ISAR5_EL1", 2, 5, 0x0001_1121L),
                id("MVFR0_EL1", 3, 0, 0x1011_0222L), id("MVFR1_EL1", 3, 1, 0x1211_1111L), id("MVFR2_EL1", 3, 2, 0x43),
                id("ID_AA64PFR0_EL1", 4, 0, 0x22) /* EL2/EL3 fields 0: what a guest sees on QEMU without virtualization=on */, id("ID_AA64PFR1_EL1", 4, 1, 0),
                id("ID_AA64DFR0_EL1", 5, 0, 0x1030_5106L), id("ID_AA64DFR1_EL1", 5, 1, 0),
                id("ID_AA64AFR0_EL1", 5, 4, 0), id("ID_AA64AFR1_EL1", 5, 5, 0),
                id("ID_AA64ISAR0_EL1", 6, 0, 0x11120), id("ID_AA64ISAR1_EL1", 6, 1, 0),
                id("ID_AA64MMFR0_EL1", 7, 0, 0x1124), id("ID_AA64MMFR1_EL1", 7, 1, 0),
                id("ID_AA64MMFR2_EL1", 7, 2, 0)));
        Set<Integer> used = new HashSet<>();
        for (SysReg s : r) {
            used.add(s.key());
        }
        for (int crm = 1; crm <= 7; crm++) {
            for (int op2 = 0; op2 < 8; op2++) {
                if (!used.contains(SysReg.key(3, 0, 0, crm, op2))) {
                    r.add(id("ID_RAZ_" + crm + "_" + op2, crm, op2, 0));
                }
            }
        }
        return r;
    }
}
