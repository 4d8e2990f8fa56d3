package org.polyvisor.arm64.internal.hyp;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;

/**
 * PSCI 1.1 over the SMC calling convention, reached by {@code hvc #0} or a trapped {@code smc #0} (KVM's
 * kvm_psci_call): VERSION, FEATURES, CPU_ON, CPU_OFF, AFFINITY_INFO, MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET, and
 * SMCCC_VERSION. Any other function ID gets NOT_SUPPORTED (-1) in x0, as SMCCC requires.
 */
@Component(service = ExitHandler.class, property = {ExitHandler.ARCH + "=arm64", ExitHandler.EXIT_CLASS + "=HVC64",
        ExitHandler.EXIT_CLASS + "=SMC64"})
public final class PsciHandler implements ExitHandler {
    @Override
    public ExitAction handle(ExitContext context, Exit.ArchExit exit) {
        if (!(context.vcpu() instanceof Arm64Vcpu vcpu) || !(exit instanceof Arm64Exit a)) {
            return new ExitAction.Fail("PSCI handler got a vCPU that is not an arm64 vCPU: " + context.vcpu());
        }
        Cpu c = vcpu.cpu();
        if (((a.esr() >>> 26) & 0x3F) == Ec.SMC64) {
            c.pc += 4; // a trapped SMC returns to the SMC itself (kvm_incr_pc)
        }
        if ((a.esr() & 0xFFFF) != 0) {
            c.x[0] = Psci.NOT_SUPPORTED; // only hvc/smc #0 is the SMCCC conduit (KVM: handle_hvc with imm != 0)
            return ExitAction.RESUME;
        }
        long fn = c.x[0] & 0xFFFF_FFFFL;
        if (fn == Psci.PSCI_VERSION) {
            c.x[0] = Psci.VERSION_1_1; // the common call first: no machine lookup on this path
            return ExitAction.RESUME;
        }
        if (!(context.machine() instanceof VcpuDirectory machine)) {
            return new ExitAction.Fail("PSCI handler got a machine that is not the arm64 virt machine");
        }
        if (fn == Psci.SYSTEM_OFF || fn == Psci.SYSTEM_RESET) {
            return new ExitAction.PowerOff(0);
        }
        if (fn == Psci.CPU_OFF) {
            vcpu.powerOff();
            return ExitAction.RESUME;
        }
        c.x[0] = call(fn, c, machine);
        return ExitAction.RESUME;
    }

    private static long call(long fn, Cpu c, VcpuDirectory machine) {
        if (fn == Psci.PSCI_VERSION) {
            return Psci.VERSION_1_1;
        }
        if (fn == Psci.SMCCC_VERSION) {
            return Psci.SMCCC_1_1;
        }
        if (fn == Psci.PSCI_FEATURES) {
            long f = c.x[1] & 0xFFFF_FFFFL;
            return f == Psci.PSCI_VERSION || f == Psci.CPU_OFF || f == Psci.CPU_ON || f == Psci.CPU_ON_64
                    || f == Psci.AFFINITY_INFO || f == Psci.AFFINITY_INFO_64 || f == Psci.MIGRATE_INFO_TYPE
                    || f == Psci.SYSTEM_OFF || f == Psci.SYSTEM_RESET || f == Psci.PSCI_FEATURES
                    ? Psci.SUCCESS : Psci.NOT_SUPPORTED;
        }
        if (fn == Psci.MIGRATE_INFO_TYPE) {
            return 2; // trusted OS not present: no migration needed
        }
        if (fn == Psci.CPU_ON || fn == Psci.CPU_ON_64) {
            long target = fn == Psci.CPU_ON ? c.x[1] & 0xFFFF_FFFFL : c.x[1];
            Arm64Vcpu t = machine.vcpuByMpidr(target);
            if (t == null) {
                return Psci.INVALID_PARAMS;
            }
            long entry = fn == Psci.CPU_ON ? c.x[2] & 0xFFFF_FFFFL : c.x[2];
            return t.requestPowerOn(entry, c.x[3]);
        }
        if (fn == Psci.AFFINITY_INFO || fn == Psci.AFFINITY_INFO_64) {
            long target = fn == Psci.AFFINITY_INFO ? c.x[1] & 0xFFFF_FFFFL : c.x[1];
            if (c.x[2] != 0) {
                return Psci.INVALID_PARAMS; // only affinity level 0 is supported, as KVM does
            }
            Arm64Vcpu t = machine.vcpuByMpidr(target);
            if (t == null) {
                return Psci.INVALID_PARAMS;
            }
            return switch (t.powerState()) {
                case Arm64Vcpu.POWER_ON -> Psci.AFFINITY_ON;
                case Arm64Vcpu.POWER_ON_PENDING -> Psci.AFFINITY_ON_PENDING;
                default -> Psci.AFFINITY_OFF;
            };
        }
        return Psci.NOT_SUPPORTED;
    }
}
