package org.polyvisor.arm64.internal.hyp;

import java.util.Map;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.spi.StateSnapshot;

/**
 * The PE's architectural state in a vCPU snapshot and in the register view (pv:regs): general-purpose registers, stack
 * pointers, PC, PSTATE, every system register that holds state, and the local exclusive monitor. The register part
 * runs inside the world switch's guest view, so it sees the guest's values whatever the host model holds lazily.
 */
final class CpuSnapshot {
    private CpuSnapshot() {
    }

    static void export(Cpu cpu, StateSnapshot.Builder b) {
        cpu.syncSp();
        for (int i = 0; i < 31; i++) {
            b.value("x" + i, cpu.x[i]);
        }
        b.value("sp_el0", cpu.spEl0).value("sp_el1", cpu.spEl1).value("pc", cpu.pc).value("pstate", cpu.pstate());
        for (SysReg r : cpu.regs.all()) {
            if (r.op0() != 1) { // SYS operations (DC, IC, TLBI, AT) hold no state
                b.value(r.name(), cpu.sys[cpu.regs.index(r.name())]);
            }
        }
    }

    static void restore(Cpu cpu, StateSnapshot state) {
        for (int i = 0; i < 31; i++) {
            cpu.x[i] = state.value("x" + i);
        }
        for (SysReg r : cpu.regs.all()) {
            if (r.op0() != 1) { // registers a newer model added keep their reset value
                cpu.sys[cpu.regs.index(r.name())] = state.value(r.name(), r.reset());
            }
        }
        cpu.spEl0 = state.value("sp_el0");
        cpu.spEl1 = state.value("sp_el1");
        long pstate = state.value("pstate");
        // setPstate switches banks from the current ones: make the current bank hold what the snapshot says
        cpu.x[33] = (cpu.el == 0 || !cpu.spSel) ? cpu.spEl0 : cpu.spEl1;
        cpu.setPstate(pstate);
        cpu.pc = state.value("pc");
    }

    static void exportMonitor(Cpu cpu, StateSnapshot.Builder b) {
        b.value("excl.addr", cpu.exclAddr).value("excl.size", cpu.exclSize).value("excl.val", cpu.exclVal);
    }

    static void restoreMonitor(Cpu cpu, StateSnapshot state) {
        cpu.exclAddr = state.value("excl.addr", -1);
        cpu.exclSize = (int) state.value("excl.size", 0);
        cpu.exclVal = state.value("excl.val", 0);
    }

    /** The register view: registers with a read hook (computed, e.g. counters) are left out. */
    static void registers(Cpu cpu, Map<String, Long> m) {
        cpu.syncSp();
        for (int i = 0; i < 31; i++) {
            m.put("x" + i, cpu.x[i]);
        }
        m.put("sp_el0", cpu.spEl0);
        m.put("sp_el1", cpu.spEl1);
        m.put("pc", cpu.pc);
        m.put("pstate", cpu.pstate());
        m.put("CurrentEL", (long) cpu.el);
        for (SysReg r : cpu.regs.all()) {
            if (r.op0() != 1 && r.read() == null) {
                m.put(r.name(), cpu.sys[cpu.regs.index(r.name())]);
            }
        }
    }
}
