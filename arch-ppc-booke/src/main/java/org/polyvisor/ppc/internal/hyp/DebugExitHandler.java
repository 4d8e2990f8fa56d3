package org.polyvisor.ppc.internal.hyp;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DEBUG (ehpriv 1, KVM's software breakpoint): no debugger is attached, so report it and continue after it. */
@Component(service = ExitHandler.class, property = {ExitHandler.ARCH + "=ppc-booke",
        ExitHandler.EXIT_CLASS + "=DEBUG"})
public final class DebugExitHandler implements ExitHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DebugExitHandler.class);

    @Override
    public ExitAction handle(ExitContext context, Exit.ArchExit exit) {
        LOG.info("VM {} vCPU {}: guest breakpoint (ehpriv 1), no debugger attached", context.vmId(),
                context.vcpu().index());
        return ExitAction.RESUME;
    }
}
