package org.polyvisor.ppc.internal.hyp;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;

/**
 * HV_SYSCALL (sc 1 from the guest kernel): the ePAPR hypercall ABI, r11 = (vendor << 16) | number, status in r3.
 * KVM answers KVM_HC_FEATURES (vendor 42, number 3) with 0 features; everything else is EV_UNIMPLEMENTED (12).
 */
@Component(service = ExitHandler.class, property = {ExitHandler.ARCH + "=ppc-booke",
        ExitHandler.EXIT_CLASS + "=HV_SYSCALL"})
public final class HypercallHandler implements ExitHandler {
    static final int EV_SUCCESS = 0;
    static final int EV_UNIMPLEMENTED = 12;
    static final int KVM_HC_FEATURES = (42 << 16) | 3;

    @Override
    public ExitAction handle(ExitContext context, Exit.ArchExit exit) {
        if (!(context.vcpu() instanceof PpcVcpu v)) {
            return new ExitAction.Fail("HV_SYSCALL on a vCPU that is not ppc-booke");
        }
        int[] gpr = v.cpu().gpr;
        if (gpr[11] == KVM_HC_FEATURES) {
            gpr[3] = EV_SUCCESS;
            gpr[4] = 0;
        } else {
            gpr[3] = EV_UNIMPLEMENTED;
        }
        return ExitAction.RESUME;
    }
}
