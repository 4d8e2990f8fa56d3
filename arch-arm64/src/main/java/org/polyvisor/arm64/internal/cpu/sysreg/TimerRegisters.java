package org.polyvisor.arm64.internal.cpu.sysreg;

import static org.polyvisor.arm64.spi.SysReg.plain;

import java.util.ArrayList;
import java.util.List;

import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegAccess;
import org.polyvisor.arm64.spi.SysRegState;
import org.polyvisor.arm64.spi.SysRegTable;

/**
 * The generic timer as a guest at EL1/EL0 sees it: 62.5 MHz counter, virtual and physical timers (CTL with the
 * computed ISTATUS, CVAL, TVAL as a signed 32-bit view of CVAL - count). EL0 access follows CNTKCTL_EL1. No
 * interrupt is delivered yet (no GIC model): guests poll ISTATUS or TVAL.
 */
public final class TimerRegisters implements SysRegTable {
    public static final long FREQUENCY = 62_500_000L;

    @Override
    public String name() {
        return "generic-timer";
    }

    private static SysReg.Check el0If(int cntkctlBit) {
        return (s, read) -> s.currentEl() == 0 && ((s.raw("CNTKCTL_EL1") >>> cntkctlBit) & 1) == 0
                ? SysRegAccess.TRAP_EL1 : SysRegAccess.OK;
    }

    private static long count(SysRegState s, boolean virtual) {
        return virtual ? s.virtualCount() : s.physicalCount();
    }

    private static List<SysReg> timer(String prefix, int crm, boolean virtual, int el0Bit) {
        String ctl = prefix + "_CTL_EL0";
        String cval = prefix + "_CVAL_EL0";
        SysReg.Check chk = el0If(el0Bit);
        return List.of(
                plain(ctl, 3, 3, 14, crm, 1, SysReg.RW_EL0, 0).withCheck(chk)
                        .withRead(s -> {
                            long c = s.raw(ctl) & 3;
                            boolean fired = (c & 1) != 0 && count(s, virtual) - s.raw(cval) >= 0;
                            return c | (fired ? 4 : 0);
                        })
                        .withWrite((s, v) -> s.setRaw(ctl, v & 3)),
                plain(cval, 3, 3, 14, crm, 2, SysReg.RW_EL0, 0).withCheck(chk),
                plain(prefix + "_TVAL_EL0", 3, 3, 14, crm, 0, SysReg.RW_EL0, 0).withCheck(chk)
                        .withRead(s -> (s.raw(cval) - count(s, virtual)) & 0xFFFF_FFFFL)
                        .withWrite((s, v) -> s.setRaw(cval, count(s, virtual) + (int) v)));
    }

    @Override
    public List<SysReg> registers() {
        List<SysReg> r = new ArrayList<>(List.of(
                plain("CNTFRQ_EL0", 3, 3, 14, 0, 0, SysReg.RO_EL0, FREQUENCY)
                        .withCheck((s, rd) -> s.currentEl() == 0 && (s.raw("CNTKCTL_EL1") & 3) == 0
                                ? SysRegAccess.TRAP_EL1 : SysRegAccess.OK),
                plain("CNTPCT_EL0", 3, 3, 14, 0, 1, SysReg.RO_EL0, 0).withCheck(el0If(0))
                        .withRead(s -> s.physicalCount()),
                plain("CNTVCT_EL0", 3, 3, 14, 0, 2, SysReg.RO_EL0, 0).withCheck(el0If(1))
                        .withRead(SysRegState::virtualCount)));
        r.addAll(timer("CNTP", 2, false, 9));
        r.addAll(timer("CNTV", 3, true, 8));
        return r;
    }
}
