package org.polyvisor.arm64.internal.hyp;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Esr;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.cpu.sysreg.Hcr;
import org.polyvisor.arm64.internal.cpu.sysreg.Sctlr;
import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegAccess;
import org.polyvisor.arm64.spi.SysRegState;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;

/**
 * Trapped MSR/MRS (EC 0x18, KVM's kvm_handle_sys_reg): the ISS names the register and Rt. Registers KVM emulates
 * (the ID groups under TID2/TID3, ACTLR_EL1 under TACR, the VM controls under TVM) read their descriptor's value (the CPU profile the VM
 * presents, cortex-a57) or store the write; anything else gets an UNDEFINED exception injected, as KVM does for an
 * unhandled system register, and so does a register whose access check answers UNDEFINED when the hypervisor asks
 * ({@link HypervisorView}: a feature's register on a VM that was not given the feature, such as SPE without spe=on).
 */
@Component(service = ExitHandler.class, property = {ExitHandler.ARCH + "=arm64", ExitHandler.EXIT_CLASS + "=SYS64"})
public final class SysRegTrapHandler implements ExitHandler {
    @Override
    public ExitAction handle(ExitContext context, Exit.ArchExit exit) {
        if (!(context.vcpu() instanceof Arm64Vcpu vcpu) || !(exit instanceof Arm64Exit a)) {
            return new ExitAction.Fail("SYS64 handler got a foreign vCPU or exit: " + exit);
        }
        vcpu.withGuestView(() -> emulate(vcpu.core(), vcpu.hypervisorView(), Esr.iss(a.esr())));
        return ExitAction.RESUME;
    }

    private static final long SCTLR_M_C = Sctlr.M | Sctlr.C;

    static void emulate(Core core, SysRegState hypervisorView, int iss) {
        Cpu cpu = core.cpu;
        int op0 = (iss >>> 20) & 3;
        int op2 = (iss >>> 17) & 7;
        int op1 = (iss >>> 14) & 7;
        int crn = (iss >>> 10) & 15;
        int rt = (iss >>> 5) & 31;
        int crm = (iss >>> 1) & 15;
        boolean read = (iss & 1) != 0;
        int idx = cpu.regs.indexOfKey(SysReg.key(op0, op1, crn, crm, op2));
        if (idx < 0) {
            Exceptions.undefined(cpu);
            return;
        }
        SysReg r = cpu.regs.get(idx);
        if (r.check() != null && r.check().check(hypervisorView, read) == SysRegAccess.UNDEFINED) {
            Exceptions.undefined(cpu); // the VM does not have this register (a feature it was not given)
            return;
        }
        if (read) {
            if ((r.access() & SysReg.EL1_R) == 0) {
                Exceptions.undefined(cpu);
                return;
            }
            long v = r.read() != null ? r.read().read(core) : cpu.sys[idx];
            if (rt != 31) {
                cpu.x[rt] = v;
            }
        } else {
            if ((r.access() & SysReg.EL1_W) == 0) {
                Exceptions.undefined(cpu);
                return;
            }
            long v = rt == 31 ? 0 : cpu.x[rt];
            if (r.write() != null) {
                r.write().write(core, v);
            } else {
                cpu.sys[idx] = v;
            }
            if (r.name().equals("SCTLR_EL1") && (v & SCTLR_M_C) == SCTLR_M_C) {
                // kvm_toggle_cache: MMU and caches on, stop trapping VM register writes (the guest view's HCR_EL2 is
                // the vCPU's trap configuration, kept when the view ends)
                cpu.sys[cpu.iHcr] &= ~Hcr.TVM;
            }
        }
        cpu.pc += 4;
    }
}
