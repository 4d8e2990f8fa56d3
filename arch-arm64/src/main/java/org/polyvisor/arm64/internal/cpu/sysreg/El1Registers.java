package org.polyvisor.arm64.internal.cpu.sysreg;

import static org.polyvisor.arm64.spi.SysReg.plain;

import java.util.List;

import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegAccess;
import org.polyvisor.arm64.spi.SysRegTable;

/** EL1 control, translation and fault registers, software thread IDs and the debug registers guests touch. */
public final class El1Registers implements SysRegTable {
    /** SCTLR_EL1 as QEMU's virt machine leaves it for a kernel: MMU and caches off. */
    public static final long SCTLR_RESET = 0x00c5_0838L;

    /** HCR_EL2.TVM: EL1 writes to the virtual-memory control registers trap to EL2 (KVM sets it until caches are on). */
    static final SysReg.Check TVM = (s, read) -> !read && s.currentEl() == 1 && (s.hcr() & Hcr.TVM) != 0
            ? SysRegAccess.TRAP_EL2 : SysRegAccess.OK;

    @Override
    public String name() {
        return "el1-control";
    }

    private static SysReg flushing(String name, int op0, int op1, int crn, int crm, int op2) {
        return plain(name, op0, op1, crn, crm, op2, SysReg.RW_EL1, 0).withWrite((s, v) -> {
            s.setRaw(name, v);
            s.translationChanged();
        });
    }

    @Override
    public List<SysReg> registers() {
        return List.of(
                plain("SCTLR_EL1", 3, 0, 1, 0, 0, SysReg.RW_EL1, SCTLR_RESET).withWrite((s, v) -> {
                    s.setRaw("SCTLR_EL1", v);
                    s.translationChanged();
                }).withCheck(TVM),
                plain("ACTLR_EL1", 3, 0, 1, 0, 1, SysReg.RW_EL1, 0)
                        .withCheck((s, r) -> (s.hcr() & Hcr.TACR) != 0 ? SysRegAccess.TRAP_EL2 : SysRegAccess.OK),
                plain("CPACR_EL1", 3, 0, 1, 0, 2, SysReg.RW_EL1, 0),
                flushing("TTBR0_EL1", 3, 0, 2, 0, 0).withCheck(TVM),
                flushing("TTBR1_EL1", 3, 0, 2, 0, 1).withCheck(TVM),
                flushing("TCR_EL1", 3, 0, 2, 0, 2).withCheck(TVM),
                plain("AFSR0_EL1", 3, 0, 5, 1, 0, SysReg.RW_EL1, 0).withCheck(TVM),
                plain("AFSR1_EL1", 3, 0, 5, 1, 1, SysReg.RW_EL1, 0).withCheck(TVM),
                plain("ESR_EL1", 3, 0, 5, 2, 0, SysReg.RW_EL1, 0).withCheck(TVM),
                plain("FAR_EL1", 3, 0, 6, 0, 0, SysReg.RW_EL1, 0).withCheck(TVM),
                plain("PAR_EL1", 3, 0, 7, 4, 0, SysReg.RW_EL1, 0),
                plain("MAIR_EL1", 3, 0, 10, 2, 0, SysReg.RW_EL1, 0).withCheck(TVM),
                plain("AMAIR_EL1", 3, 0, 10, 3, 0, SysReg.RW_EL1, 0).withCheck(TVM),
                plain("VBAR_EL1", 3, 0, 12, 0, 0, SysReg.RW_EL1, 0).withWrite((s, v) -> s.setRaw("VBAR_EL1", v & ~0x7FFL)),
                plain("CONTEXTIDR_EL1", 3, 0, 13, 0, 1, SysReg.RW_EL1, 0).withCheck(TVM),
                plain("TPIDR_EL1", 3, 0, 13, 0, 4, SysReg.RW_EL1, 0),
                plain("TPIDR_EL0", 3, 3, 13, 0, 2, SysReg.RW_EL0, 0),
                plain("TPIDRRO_EL0", 3, 3, 13, 0, 3, SysReg.EL0_R | SysReg.RW_EL1, 0),
                plain("CNTKCTL_EL1", 3, 0, 14, 1, 0, SysReg.RW_EL1, 0),
                plain("CSSELR_EL1", 3, 2, 0, 0, 0, SysReg.RW_EL1, 0).withCheck(IdRegisters.TID2),
                plain("MDSCR_EL1", 2, 0, 0, 2, 2, SysReg.RW_EL1, 0),
                plain("OSLAR_EL1", 2, 0, 1, 0, 4, SysReg.EL1_W, 0),
                plain("OSLSR_EL1", 2, 0, 1, 1, 4, SysReg.EL1_R, 0xA),
                plain("OSDLR_EL1", 2, 0, 1, 3, 4, SysReg.RW_EL1, 0));
    }
}
