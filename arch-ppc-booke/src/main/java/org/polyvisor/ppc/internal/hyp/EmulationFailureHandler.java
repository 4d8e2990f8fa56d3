package org.polyvisor.ppc.internal.hyp;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INST_LOAD_FAIL and EMULATION_FAIL, QEMU's part: KVM returns to userspace with KVM_EXIT_UNKNOWN and
 * hardware_exit_reason = (~0 << 32) | inst, and QEMU's kvm_cpu_exec prints "KVM: unknown exit, hardware reason
 * %" PRIx64 and stops the VM with vm_stop(RUN_STATE_INTERNAL_ERROR); {@code cont} re-enters the vCPU. So by default
 * ({@code inst-load-fail=stop}) the VM stops in INTERNAL_ERROR with its state kept and the program interrupt
 * (ESR[PIL]) the hypervisor queued is delivered when it is resumed; {@code inst-load-fail=resume} resumes at once
 * (the guest takes the program interrupt on its next instruction). A load that kept answering EMULATE_AGAIN until
 * the vCPU gave up ({@link PpcExit#retries()} &gt; 0) always stops the VM: nothing is queued, resuming at once would
 * only spin again.
 */
@Component(service = ExitHandler.class, property = {ExitHandler.ARCH + "=ppc-booke",
        ExitHandler.EXIT_CLASS + "=INST_LOAD_FAIL", ExitHandler.EXIT_CLASS + "=EMULATION_FAIL"})
public final class EmulationFailureHandler implements ExitHandler {
    /** The VM option that chooses QEMU's stop ({@code stop}, default) or the old resume ({@code resume}). */
    public static final String OPTION = "inst-load-fail";

    private static final Logger LOG = LoggerFactory.getLogger(EmulationFailureHandler.class);

    @Override
    public ExitAction handle(ExitContext context, Exit.ArchExit exit) {
        if (!(exit instanceof PpcExit p)) {
            return new ExitAction.Fail(exit.exitClass() + " exit that is not a ppc-booke exit: " + exit);
        }
        String what = describe(p);
        if (p.retries() > 0) {
            return new ExitAction.Halt(what + "; the load still failed after " + p.retries()
                    + " EMULATE_AGAIN retries (lastinst.fail=again)");
        }
        if ("resume".equals(context.machineContext().config().options().get(OPTION))) {
            LOG.info("VM {} vCPU {}: {}; program interrupt delivered to the guest", context.vmId(),
                    context.vcpu().index(), what);
            return ExitAction.RESUME;
        }
        return new ExitAction.Halt(what + "; a program interrupt is queued for the guest (delivered on resume)");
    }

    /** QEMU's message, with what the hypervisor knows: class, interrupt, reason, PC and instruction in hex. */
    static String describe(PpcExit p) {
        return "unknown exit, hardware reason 0x" + Long.toHexString(p.hardwareExitReason()) + " (" + p.exitClass()
                + " after " + Ivor.name(p.ivor()) + (p.reason().isEmpty() ? "" : ": " + p.reason()) + ") at PC 0x"
                + String.format("%08x", p.pc()) + ", instruction "
                + (p.lastInst() == LastInstLoader.INST_FETCH_FAILED ? "not readable (0xffffffff)"
                        : "0x" + String.format("%08x", p.lastInst()));
    }
}
