package org.polyvisor.arm64.internal.cpu.sysreg;

import java.util.ArrayList;
import java.util.List;

import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegAccess;
import org.polyvisor.arm64.spi.SysRegTable;

/**
 * SYS operations (op0 = 1): data-cache maintenance (no-ops on a coherent model, except DC ZVA which zeroes a
 * 64-byte block), instruction-cache invalidation (drops decoded blocks), TLB invalidation (drops the software TLB;
 * over-invalidating by ASID or VA is architecturally allowed) and address translation (AT, result in PAR_EL1).
 */
public final class CacheTlbOps implements SysRegTable {
    @Override
    public String name() {
        return "cache-tlb-at";
    }

    private static SysReg op(String name, int op1, int crn, int crm, int op2, int access, SysReg.Write action) {
        return new SysReg(name, 1, op1, crn, crm, op2, access, 0, null, null, action);
    }

    /** EL0 may use it only when the SCTLR_EL1 bit is set; otherwise the access traps to EL1. */
    private static SysReg.Check el0Sctlr(long sctlrField) {
        return (s, r) -> s.currentEl() == 0 && (s.sctlr() & sctlrField) == 0
                ? SysRegAccess.TRAP_EL1 : SysRegAccess.OK;
    }

    private static final SysReg.Check TSW = (s, r) -> s.currentEl() == 1 && (s.hcr() & Hcr.TSW) != 0
            ? SysRegAccess.TRAP_EL2 : SysRegAccess.OK;

    @Override
    public List<SysReg> registers() {
        SysReg.Write nop = (s, v) -> { };
        SysReg.Write tlbi = (s, v) -> s.translationChanged();
        SysReg.Write tlbiIs = (s, v) -> s.translationChangedInnerShareable();
        SysReg.Write ic = (s, v) -> s.invalidateInstructionCache();
        int el0 = SysReg.EL0_W | SysReg.EL1_W;
        List<SysReg> r = new ArrayList<>(List.of(
                op("DC_IVAC", 0, 7, 6, 1, SysReg.EL1_W, nop),
                op("DC_ISW", 0, 7, 6, 2, SysReg.EL1_W, nop).withCheck(TSW),
                op("DC_CSW", 0, 7, 10, 2, SysReg.EL1_W, nop).withCheck(TSW),
                op("DC_CISW", 0, 7, 14, 2, SysReg.EL1_W, nop).withCheck(TSW),
                op("DC_ZVA", 3, 7, 4, 1, el0, (s, v) -> s.zeroBlock(v)).withCheck(el0Sctlr(Sctlr.DZE)),
                op("DC_CVAC", 3, 7, 10, 1, el0, nop).withCheck(el0Sctlr(Sctlr.UCI)),
                op("DC_CVAU", 3, 7, 11, 1, el0, nop).withCheck(el0Sctlr(Sctlr.UCI)),
                op("DC_CIVAC", 3, 7, 14, 1, el0, nop).withCheck(el0Sctlr(Sctlr.UCI)),
                op("IC_IALLUIS", 0, 7, 1, 0, SysReg.EL1_W, ic),
                op("IC_IALLU", 0, 7, 5, 0, SysReg.EL1_W, ic),
                op("IC_IVAU", 3, 7, 5, 1, el0, ic).withCheck(el0Sctlr(Sctlr.UCI)),
                op("AT_S1E1R", 0, 7, 8, 0, SysReg.EL1_W, (s, v) -> s.addressTranslate(v, false, false)),
                op("AT_S1E1W", 0, 7, 8, 1, SysReg.EL1_W, (s, v) -> s.addressTranslate(v, true, false)),
                op("AT_S1E0R", 0, 7, 8, 2, SysReg.EL1_W, (s, v) -> s.addressTranslate(v, false, true)),
                op("AT_S1E0W", 0, 7, 8, 3, SysReg.EL1_W, (s, v) -> s.addressTranslate(v, true, true))));
        String[] kinds = {"VMALLE1", "VAE1", "ASIDE1", "VAAE1", null, "VALE1", null, "VAALE1"};
        for (int op2 = 0; op2 < 8; op2++) {
            if (kinds[op2] != null) {
                r.add(op("TLBI_" + kinds[op2] + "IS", 0, 8, 3, op2, SysReg.EL1_W, tlbiIs));
                r.add(op("TLBI_" + kinds[op2], 0, 8, 7, op2, SysReg.EL1_W, tlbi));
            }
        }
        return r;
    }
}
