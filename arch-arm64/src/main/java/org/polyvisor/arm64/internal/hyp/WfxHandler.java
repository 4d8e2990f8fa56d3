package org.polyvisor.arm64.internal.hyp;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;

/**
 * Trapped WFI/WFE (HCR_EL2.TWI/TWE, KVM's kvm_handle_wfx): WFI blocks the vCPU thread on its wake signal until the
 * GIC signals an interrupt, the virtual timer is due or the vCPU is kicked (so pause and swap never wait for a
 * sleeping guest); WFE yields. The PC already points past the instruction.
 */
@Component(service = ExitHandler.class, property = {ExitHandler.ARCH + "=arm64", ExitHandler.EXIT_CLASS + "=WFx"})
public final class WfxHandler implements ExitHandler {
    @Override
    public ExitAction handle(ExitContext context, Exit.ArchExit exit) {
        if (!(context.vcpu() instanceof Arm64Vcpu vcpu) || !(exit instanceof Arm64Exit a)) {
            return new ExitAction.Fail("WFx handler got a foreign vCPU or exit: " + exit);
        }
        vcpu.waitForInterrupt((a.esr() & 3) != 0);
        return ExitAction.RESUME;
    }
}
