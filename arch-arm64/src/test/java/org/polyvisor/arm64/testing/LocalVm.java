package org.polyvisor.arm64.testing;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.polyvisor.api.VmConfig;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.framework.internal.StandaloneContext;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.Vcpu;

/**
 * A minimal single-vCPU run loop with the framework's exit semantics (see docs/HELPERS-CONTRACT.md), for unit tests
 * and the benchmark: it needs nothing but the framework's SPI types, so tests do not depend on VmManagerImpl.
 */
public final class LocalVm implements AutoCloseable {
    /** How a run ended. */
    public record Result(String console, int status, String failure, long instructions, long nanos, long cpuNanos) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Machine machine;
    private final StandaloneContext context;
    private long cpuStart;

    public LocalVm(ElfImage image, long memoryBytes) {
        VmConfig cfg = VmConfig.of("arm64", memoryBytes, 1, null);
        context = new StandaloneContext(cfg, out::write);
        machine = new Arm64Architecture().createMachine(context);
        machine.boot(image);
    }

    public static Result run(Path elf, long timeoutMillis) {
        try (LocalVm vm = new LocalVm(ElfImage.read(elf), 128L << 20)) {
            return vm.run(timeoutMillis);
        }
    }

    public Machine machine() {
        return machine;
    }

    public GuestMemory memory() {
        return context.memory();
    }

    public Result run(long timeoutMillis) {
        Vcpu vcpu = machine.vcpu(0);
        // The arm64 exit handlers, as the framework's whiteboard would dispatch them.
        ExitHandler psci = new PsciHandler();
        Map<String, ExitHandler> handlers = Map.of("HVC64", psci, "SMC64", psci,
                "SYS64", new SysRegTrapHandler(), "WFx", new WfxHandler());
        long start = System.nanoTime();
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        this.cpuStart = cpuStart;
        long deadline = start + timeoutMillis * 1_000_000L;
        // The run loop looks at the clock only when the vCPU leaves run(): one kick at the deadline makes it leave.
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    return; // the guest ended first
                }
            }
            vcpu.kick();
        });
        try {
            while (true) {
                Exit e = vcpu.run();
                switch (e) {
                    case Exit.Mmio m -> {
                        if (m.write()) {
                            context.mmio().write(m.address(), m.size(), m.value());
                        } else {
                            vcpu.completeMmioRead(context.mmio().read(m.address(), m.size()));
                        }
                    }
                    case Exit.Shutdown s -> {
                        return result(s.status(), null, vcpu, start);
                    }
                    case Exit.Kicked k -> {
                        if (System.nanoTime() >= deadline) {
                            return result(-1, "timeout", vcpu, start);
                        }
                    }
                    case Exit.Failure f -> {
                        return result(-1, f.message(), vcpu, start);
                    }
                    case Exit.ArchExit a -> {
                        ExitHandler h = handlers.get(a.exitClass());
                        if (h == null) {
                            return result(-1, "no handler for exit class " + a.exitClass() + ": " + a, vcpu, start);
                        }
                        ExitAction act = h.handle(exitContext(vcpu), a);
                        if (act instanceof ExitAction.PowerOff p) {
                            return result(p.status(), null, vcpu, start);
                        }
                        if (act instanceof ExitAction.Fail f) {
                            return result(-1, f.message(), vcpu, start);
                        }
                    }
                }
            }
        } finally {
            watchdog.interrupt();
        }
    }

    private Result result(int status, String failure, Vcpu vcpu, long start) {
        return new Result(out.toString(StandardCharsets.ISO_8859_1), status, failure,
                vcpu.instructionsRetired(), System.nanoTime() - start,
                ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart);
    }

    private ExitContext exitContext(Vcpu vcpu) {
        return new ExitContext() {
            @Override
            public int vmId() {
                return 1;
            }

            @Override
            public Vcpu vcpu() {
                return vcpu;
            }

            @Override
            public Machine machine() {
                return machine;
            }

            @Override
            public MachineContext machineContext() {
                return context;
            }
        };
    }

    @Override
    public void close() {
        machine.close();
        context.close();
    }
}
