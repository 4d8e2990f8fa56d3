package org.polyvisor.arm64.internal;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.machine.Arm64Vcpu;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;

/**
 * PSCI 1.1 through the SMC calling convention, reached by {@code hvc #0} (or a trapped {@code smc #0}). Implements
 * the system-level calls a single-vCPU guest needs; SMP calls (CPU_ON/OFF, AFFINITY_INFO for others) come with the
 * GIC issue. Unknown function IDs answer NOT_SUPPORTED (-1) as SMCCC requires.
 */
@Component(service = ExitHandler.class, property = {ExitHandler.ARCH + "=arm64", ExitHandler.EXIT_CLASS + "=HVC64",
        ExitHandler.EXIT_CLASS + "=SMC64"})
public final class PsciHandler implements ExitHandler {
    public static final long PSCI_VERSION = 0x8400_0000L;
    public static final long AFFINITY_INFO = 0x8400_0004L;
    public static final long AFFINITY_INFO_64 = 0xC400_0004L;
    public static final long MIGRATE_INFO_TYPE = 0x8400_0006L;
    public static final long SYSTEM_OFF = 0x8400_0008L;
    public static final long SYSTEM_RESET = 0x8400_0009L;
    public static final long PSCI_FEATURES = 0x8400_000AL;
    public static final long VERSION_1_1 = 0x1_0001L;
    public static final long NOT_SUPPORTED = -1;
    public static final long INVALID_PARAMS = -2;

    @Override
    public ExitAction handle(ExitContext context, Exit.ArchExit exit) {
        if (!(context.vcpu() instanceof Arm64Vcpu vcpu)) {
            return new ExitAction.Fail("PSCI handler got a vCPU that is not an arm64 vCPU: " + context.vcpu());
        }
        Cpu c = vcpu.cpu();
        if (exit.exitClass().equals("SMC64")) {
            c.pc += 4; // a trapped SMC returns to the SMC itself; the call is complete once handled
        }
        long fn = c.x[0] & 0xFFFF_FFFFL;
        if (fn == SYSTEM_OFF || fn == SYSTEM_RESET) {
            return new ExitAction.PowerOff(0);
        }
        c.x[0] = call(fn, c.x[1], c);
        return ExitAction.RESUME;
    }

    private static long call(long fn, long arg, Cpu c) {
        if (fn == PSCI_VERSION) {
            return VERSION_1_1;
        }
        if (fn == PSCI_FEATURES) {
            long f = arg & 0xFFFF_FFFFL;
            return f == PSCI_VERSION || f == SYSTEM_OFF || f == SYSTEM_RESET || f == PSCI_FEATURES
                    || f == AFFINITY_INFO || f == AFFINITY_INFO_64 || f == MIGRATE_INFO_TYPE ? 0 : NOT_SUPPORTED;
        }
        if (fn == MIGRATE_INFO_TYPE) {
            return 2; // trusted OS not present: no migration needed
        }
        if (fn == AFFINITY_INFO || fn == AFFINITY_INFO_64) {
            long self = c.sys[c.regs.index("MPIDR_EL1")] & 0xFF_FFFFL;
            return (arg & 0xFF_FFFFL) == self ? 0 : INVALID_PARAMS;
        }
        return NOT_SUPPORTED;
    }
}
