package org.polyvisor.testarch.internal;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;

/**
 * Handles the toy {@code HCALL}: 0 = no-op (exit round trips), 1 = r1 &lt;- r1 * 2 + 1 (the handler changes guest
 * state), 0xDEAD = power off with status r1. Anything else fails the VM with a message.
 */
@Component(property = {ExitHandler.ARCH + "=test", ExitHandler.EXIT_CLASS + "=HCALL"})
public final class HcallHandler implements ExitHandler {
    @Override
    public ExitAction handle(ExitContext context, Exit.ArchExit exit) {
        ToyExit e = (ToyExit) exit;
        ToyVcpu v = (ToyVcpu) context.vcpu();
        if (e.imm() == 0) {
            return ExitAction.RESUME;
        }
        if (e.imm() == 1) {
            v.setRegister(1, v.register(1) * 2 + 1);
            return ExitAction.RESUME;
        }
        if (e.imm() == 0xDEAD) {
            return new ExitAction.PowerOff(v.register(1));
        }
        return new ExitAction.Fail("unknown toy hypercall 0x" + Long.toHexString(e.imm()));
    }
}
