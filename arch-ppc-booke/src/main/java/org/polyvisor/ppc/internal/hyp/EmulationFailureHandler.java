package org.polyvisor.ppc.internal.hyp;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INST_LOAD_FAIL and EMULATION_FAIL: the hypervisor could not read or emulate the guest's instruction and has
 * already queued a program interrupt (ESR[PIL]), as KVM does before returning to userspace with
 * hardware_exit_reason = (~0 << 32) | inst. This handler plays QEMU's part: report it, then re-enter the vCPU, so
 * the guest receives the program interrupt on its next instruction.
 */
@Component(service = ExitHandler.class, property = {ExitHandler.ARCH + "=ppc-booke",
        ExitHandler.EXIT_CLASS + "=INST_LOAD_FAIL", ExitHandler.EXIT_CLASS + "=EMULATION_FAIL"})
public final class EmulationFailureHandler implements ExitHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EmulationFailureHandler.class);

    @Override
    public ExitAction handle(ExitContext context, Exit.ArchExit exit) {
        if (exit instanceof PpcExit p) {
            LOG.info("VM {} vCPU {}: {} after {} (hardware_exit_reason 0x{}); program interrupt delivered to the guest",
                    context.vmId(), context.vcpu().index(), p.exitClass(), p.ivor(),
                    Long.toHexString(p.hardwareExitReason()));
        }
        return ExitAction.RESUME;
    }
}
