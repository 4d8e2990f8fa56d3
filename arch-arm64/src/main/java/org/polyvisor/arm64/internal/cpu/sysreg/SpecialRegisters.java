package org.polyvisor.arm64.internal.cpu.sysreg;

import static org.polyvisor.arm64.spi.SysReg.plain;

import java.util.List;

import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegAccess;
import org.polyvisor.arm64.spi.SysRegTable;

/** PSTATE fields and banked registers reachable through MRS/MSR: NZCV, DAIF, CurrentEL, SPSel, SP_EL0, ELR, SPSR. */
public final class SpecialRegisters implements SysRegTable {
    @Override
    public String name() {
        return "special-purpose";
    }

    @Override
    public List<SysReg> registers() {
        return List.of(
                plain("NZCV", 3, 3, 4, 2, 0, SysReg.RW_EL0, 0)
                        .withRead(s -> (long) s.nzcv() << 28)
                        .withWrite((s, v) -> s.setNzcv((int) (v >>> 28) & 0xF)),
                plain("DAIF", 3, 3, 4, 2, 1, SysReg.RW_EL0, 0)
                        .withCheck((s, r) -> s.currentEl() == 0 && (s.sctlr() & Sctlr.UMA) == 0
                                ? SysRegAccess.TRAP_EL1 : SysRegAccess.OK)
                        .withRead(s -> s.daif())
                        .withWrite((s, v) -> s.setDaif((int) v)),
                plain("CurrentEL", 3, 0, 4, 2, 2, SysReg.RO_EL1, 0).withRead(s -> (long) s.currentEl() << 2),
                plain("SPSel", 3, 0, 4, 2, 0, SysReg.RW_EL1, 0)
                        .withRead(s -> s.spSel() ? 1 : 0)
                        .withWrite((s, v) -> s.setSpSel((v & 1) != 0)),
                // SP_EL0 is UNDEFINED while it is the current stack pointer (EL1t)
                plain("SP_EL0", 3, 0, 4, 1, 0, SysReg.RW_EL1, 0)
                        .withCheck((s, r) -> s.spSel() ? SysRegAccess.OK : SysRegAccess.UNDEFINED)
                        .withRead(s -> s.spEl0())
                        .withWrite((s, v) -> s.setSpEl0(v)),
                plain("ELR_EL1", 3, 0, 4, 0, 1, SysReg.RW_EL1, 0),
                plain("SPSR_EL1", 3, 0, 4, 0, 0, SysReg.RW_EL1, 0));
    }
}
