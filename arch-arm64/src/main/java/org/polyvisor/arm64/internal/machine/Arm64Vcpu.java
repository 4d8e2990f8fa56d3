package org.polyvisor.arm64.internal.machine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.arm64.internal.cpu.Arm64Exit;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.exec.Interpreter;
import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.spi.AccessType;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.FaultKind;
import org.polyvisor.spi.Mmu;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Translation;
import org.polyvisor.spi.Vcpu;
import org.polyvisor.spi.WakeSignal;

/**
 * One vCPU: the CPU model plus the part of the hypervisor layer that, like KVM, resolves some EL2 exits without
 * leaving {@link #run()}: trapped ID/cache-type register accesses (SYS64, emulated from the register descriptors)
 * and WFI/WFE (sleep on the {@link WakeSignal} until a kick or the guest timer deadline). Everything else is
 * returned to the framework's run loop.
 */
public final class Arm64Vcpu implements Vcpu {
    public static final String STATE_KIND = "arm64.vcpu";
    public static final int STATE_VERSION = 1;

    private final int index;
    private final Cpu cpu;
    private final WakeSignal wake = new WakeSignal();
    private volatile boolean kickRequested;
    /** Level of the (virtual) IRQ input, driven by an interrupt controller model (later issue) or tests. */
    private volatile boolean irqLine;
    /** Something outside the interpreter needs the vCPU's attention: a kick or an asserted IRQ line. */
    private volatile boolean attention;
    /** PSCI state: a secondary vCPU stays off until CPU_ON (later issue). */
    private volatile boolean poweredOff;
    private final BooleanSupplier stop = () -> attention;

    public Arm64Vcpu(int index, Cpu cpu) {
        this.index = index;
        this.cpu = cpu;
    }

    public Cpu cpu() {
        return cpu;
    }

    public void setPoweredOff(boolean off) {
        poweredOff = off;
        wake.signal();
    }

    public boolean poweredOff() {
        return poweredOff;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public Exit run() {
        while (true) {
            if (kickRequested) {
                kickRequested = false;
                attention = irqLine;
                return Exit.KICKED;
            }
            if (poweredOff) {
                wake.await(Long.MAX_VALUE);
                continue;
            }
            cpu.checkStage2Generation();
            deliverIrq();
            Exit e = Interpreter.run(cpu, stop);
            if (e == null) {
                attention = kickRequested || irqLine;
                continue; // kick: reported at the top of the loop; IRQ: delivered there if unmasked
            }
            if (e instanceof Arm64Exit a) {
                switch (a.exitClass()) {
                    case "SYS64" -> {
                        emulateSysReg(a.esr());
                        continue;
                    }
                    case "WFx" -> {
                        waitForInterrupt((a.esr() & 1) != 0);
                        continue;
                    }
                    default -> {
                        return e;
                    }
                }
            }
            return e;
        }
    }

    /**
     * Sets the level of the IRQ input. While it is high and PSTATE.I is clear, the vCPU takes an IRQ exception at
     * the next block boundary it checks (at most a few hundred blocks later); WFI wakes up at once.
     */
    public void setIrqLine(boolean level) {
        irqLine = level;
        if (level) {
            attention = true;
            wake.signal();
        }
    }

    private void deliverIrq() {
        if (irqLine && (cpu.daif & 0x80) == 0) {
            Exceptions.takeIrq(cpu);
        }
    }

    /** KVM-style emulation of a trapped MRS/MSR: the descriptor's value is the one the hypervisor presents. */
    private void emulateSysReg(long esr) {
        int iss = (int) esr & 0x1FFFFFF;
        int op0 = (iss >>> 20) & 3;
        int op2 = (iss >>> 17) & 7;
        int op1 = (iss >>> 14) & 7;
        int crn = (iss >>> 10) & 15;
        int rt = (iss >>> 5) & 31;
        int crm = (iss >>> 1) & 15;
        boolean read = (iss & 1) != 0;
        int idx = cpu.regs.indexOfKey(SysReg.key(op0, op1, crn, crm, op2));
        if (idx >= 0) {
            SysReg r = cpu.regs.get(idx);
            if (read) {
                long v = r.read() != null ? r.read().read(cpu) : cpu.sys[idx];
                if (rt != 31) {
                    cpu.x[rt] = v;
                }
            } else if (r.write() != null) {
                r.write().write(cpu, rt == 31 ? 0 : cpu.x[rt]);
            } else if ((r.access() & SysReg.EL1_W) != 0) {
                cpu.sys[idx] = rt == 31 ? 0 : cpu.x[rt];
            }
        }
        cpu.pc += 4;
    }

    /** WFE yields; WFI sleeps until a kick or until the enabled, unmasked virtual timer condition is due. */
    private void waitForInterrupt(boolean wfe) {
        if (wfe) {
            Thread.onSpinWait();
            return;
        }
        long deadline = Long.MAX_VALUE;
        long ctl = cpu.sys[cpu.regs.index("CNTV_CTL_EL0")];
        if ((ctl & 3) == 1) {
            long ticks = cpu.sys[cpu.regs.index("CNTV_CVAL_EL0")] - cpu.virtualCount();
            deadline = System.nanoTime() + Math.max(0, Math.min(ticks, 1L << 40)) * 16;
        }
        if (!kickRequested && !irqLine) {
            wake.await(deadline);
        }
    }

    @Override
    public void kick() {
        kickRequested = true;
        attention = true;
        wake.signal();
    }

    @Override
    public void completeMmioRead(long value) {
        Exceptions.completeMmioRead(cpu, value);
    }

    @Override
    public StateSnapshot exportState() {
        cpu.syncSp();
        StateSnapshot.Builder b = StateSnapshot.builder(STATE_KIND, STATE_VERSION);
        for (int i = 0; i < 31; i++) {
            b.value("x" + i, cpu.x[i]);
        }
        b.value("sp_el0", cpu.spEl0).value("sp_el1", cpu.spEl1).value("pc", cpu.pc).value("pstate", cpu.pstate());
        for (SysReg r : cpu.regs.all()) {
            if (r.op0() != 1) { // SYS operations (DC, IC, TLBI, AT) hold no state
                b.value(r.name(), cpu.sys[cpu.regs.index(r.name())]);
            }
        }
        b.value("excl.addr", cpu.exclAddr).value("excl.size", cpu.exclSize);
        b.flag("mmio.pendingRead", cpu.mmio.pendingRead).value("mmio.srt", cpu.mmio.srt)
                .value("mmio.size", cpu.mmio.size).flag("mmio.sse", cpu.mmio.sse).flag("mmio.sf", cpu.mmio.sf);
        b.flag("poweredOff", poweredOff).value("retired", cpu.retired);
        return b.build();
    }

    @Override
    public void importState(StateSnapshot state) {
        state.requireKind(STATE_KIND, STATE_VERSION);
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
        // setPstate switches banks from the current ones: make the current bank hold what the snapshot says first
        cpu.x[33] = (cpu.el == 0 || !cpu.spSel) ? cpu.spEl0 : cpu.spEl1;
        cpu.setPstate(pstate);
        cpu.pc = state.value("pc");
        cpu.exclAddr = state.value("excl.addr", -1);
        cpu.exclSize = (int) state.value("excl.size", 0);
        cpu.mmio.pendingRead = state.value("mmio.pendingRead", 0) != 0;
        cpu.mmio.srt = (int) state.value("mmio.srt", 0);
        cpu.mmio.size = (int) state.value("mmio.size", 0);
        cpu.mmio.sse = state.value("mmio.sse", 0) != 0;
        cpu.mmio.sf = state.value("mmio.sf", 0) != 0;
        poweredOff = state.value("poweredOff", 0) != 0;
        cpu.retired = state.value("retired", 0);
        cpu.flushTlb();
        cpu.blocks.invalidateAll();
    }

    @Override
    public Map<String, Long> registers() {
        cpu.syncSp();
        Map<String, Long> m = new LinkedHashMap<>();
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
        return m;
    }

    @Override
    public Mmu mmu() {
        return (address, access, privileged) -> {
            int acc = access == AccessType.READ ? Cpu.ACC_R : access == AccessType.WRITE ? Cpu.ACC_W : Cpu.ACC_X;
            long p = cpu.probe(address.value(), acc, !privileged);
            if (p >= 0) {
                return new Translation.Mapped(new GuestPhysicalAddress(p), 4096);
            }
            int fsc = cpu.probeFaultStatus();
            FaultKind k = switch (fsc & 0x3C) {
                case 0x00 -> FaultKind.ADDRESS_SIZE;
                case 0x04 -> FaultKind.TRANSLATION;
                case 0x08 -> FaultKind.ACCESS_FLAG;
                case 0x0C -> FaultKind.PERMISSION;
                default -> FaultKind.EXTERNAL;
            };
            return new Translation.Fault(k, fsc & 3, "FSC 0x" + Integer.toHexString(fsc));
        };
    }

    @Override
    public long instructionsRetired() {
        return cpu.retired;
    }
}
