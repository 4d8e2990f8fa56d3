package com.example.tracer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every guest hypercall - arm64 {@code hvc}/{@code smc} (PSCI among them), e500mc {@code sc 1} - with its
 * function, arguments, result, guest time and the handler's duration. It is an {@link ExitObserver}: it only reads
 * registers, so the guest runs exactly as without it, and it can be started and stopped under running VMs. The
 * Gogo commands {@code tracer:show [VM [N]]} and {@code tracer:clear} show and forget what it recorded; each call is
 * logged at debug level, and a summary per VM at info level when the tracer stops.
 */
@Component(service = ExitObserver.class, property = {"osgi.command.scope=tracer", "osgi.command.function=show",
        "osgi.command.function=clear"})
public final class HypercallTracer implements ExitObserver {
    private static final Logger LOG = LoggerFactory.getLogger(HypercallTracer.class);

    /** What was read when the call entered, per vCPU (vmId << 32 | vCPU index) until the handler returned. */
    private record Entered(long function, long[] args, long guestNanos) {
    }

    private final ConcurrentMap<Long, Entered> entered = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, VmTrace> vms = new ConcurrentHashMap<>();

    @Override
    public void exitEntered(ExitContext context, Exit.ArchExit exit) {
        Functions.Convention cc = Functions.of(exit.exitClass());
        if (cc == null) {
            return;
        }
        Map<String, Long> regs = context.vcpu().registers();
        long[] args = new long[cc.args().length];
        for (int i = 0; i < args.length; i++) {
            args[i] = regs.getOrDefault(cc.args()[i], 0L);
        }
        entered.put(key(context), new Entered(regs.getOrDefault(cc.function(), 0L), args,
                context.machineContext().clock().nanos()));
    }

    @Override
    public void exitHandled(ExitContext context, Exit.ArchExit exit, ExitAction action, long handlerNanos) {
        Functions.Convention cc = Functions.of(exit.exitClass());
        Entered e = cc == null ? null : entered.remove(key(context));
        if (e == null) {
            return;
        }
        long result = context.vcpu().registers().getOrDefault(cc.result(), 0L);
        Hypercall call = new Hypercall(context.vmId(), context.vcpu().index(), exit.exitClass(), e.function(),
                e.args(), result, e.guestNanos(), handlerNanos);
        vms.computeIfAbsent(context.vmId(), id -> {
            LOG.info("tracing hypercalls of VM {}", id);
            return new VmTrace();
        }).add(call);
        if (LOG.isDebugEnabled()) {
            LOG.debug("VM {} {}", context.vmId(), call.line());
        }
    }

    private static long key(ExitContext context) {
        return ((long) context.vmId() << 32) | context.vcpu().index();
    }

    /**
     * Hypercalls recorded for a VM so far.
     *
     * @param vmId the VM
     * @return the count, 0 for a VM the tracer has not seen
     */
    public long calls(int vmId) {
        VmTrace t = vms.get(vmId);
        return t == null ? 0 : t.calls();
    }

    /**
     * The most recent calls of a VM (at most 1000), oldest first.
     *
     * @param vmId the VM
     * @return a copy
     */
    public List<Hypercall> recent(int vmId) {
        VmTrace t = vms.get(vmId);
        return t == null ? List.of() : t.recent();
    }

    /**
     * {@code tracer:show}: every traced VM's totals.
     *
     * @return one block per VM
     */
    public String show() {
        if (vms.isEmpty()) {
            return "no hypercalls traced yet (the tracer sees calls made after it started)";
        }
        StringBuilder b = new StringBuilder();
        vms.keySet().stream().sorted().forEach(id -> b.append(vms.get(id).report(id, 0)));
        return b.toString();
    }

    /**
     * {@code tracer:show VM}: a VM's totals and its last 20 calls.
     *
     * @param vmId the VM
     * @return the report
     */
    public String show(int vmId) {
        return show(vmId, 20);
    }

    /**
     * {@code tracer:show VM N}: a VM's totals and its last N calls.
     *
     * @param vmId the VM
     * @param last how many recent calls to list (at most 1000 are kept)
     * @return the report
     */
    public String show(int vmId, int last) {
        VmTrace t = vms.get(vmId);
        return t == null ? "VM " + vmId + ": no hypercalls traced (pv:list shows the VMs)" : t.report(vmId, last);
    }

    /**
     * {@code tracer:clear}: forgets everything recorded.
     *
     * @return what was cleared
     */
    public String clear() {
        int n = vms.size();
        vms.clear();
        return "cleared the traces of " + n + " VM(s)";
    }

    @Deactivate
    void deactivate() {
        vms.forEach((id, t) -> LOG.info("tracer stopped: VM {}: {} hypercalls traced", id, t.calls()));
    }
}
