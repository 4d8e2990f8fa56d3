package com.example.tracer;

/**
 * One guest hypercall as the tracer saw it.
 *
 * @param vmId         the VM
 * @param vcpu         the vCPU that made it
 * @param exitClass    {@code HVC64}, {@code SMC64} (arm64) or {@code HV_SYSCALL} (e500mc {@code sc 1})
 * @param function     the function ID (arm64: x0, SMCCC; e500mc: r11, ePAPR)
 * @param args         the first three arguments (arm64: x1-x3; e500mc: r3-r5)
 * @param result       the first result register after the call (arm64: x0; e500mc: r3)
 * @param guestNanos   the VM's guest clock when the call was made
 * @param handlerNanos how long the hypervisor's handler took, host nanoseconds
 */
public record Hypercall(int vmId, int vcpu, String exitClass, long function, long[] args, long result, long guestNanos,
        long handlerNanos) {
    /**
     * One line for {@code tracer:show} and the log.
     *
     * @return for example {@code vcpu0 HVC64 PSCI_VERSION(0x0, 0x0, 0x0) = 0x10001 at 1.234567 ms, 850 ns}
     */
    public String line() {
        return String.format("vcpu%d %s %s(0x%x, 0x%x, 0x%x) = 0x%x at %.6f ms, %d ns", vcpu, exitClass,
                Functions.name(exitClass, function), args[0], args[1], args[2], result, guestNanos / 1e6,
                handlerNanos);
    }
}
