package org.polyvisor.testkit;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.polyvisor.api.VmConfig;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.Vcpu;
import org.polyvisor.standalone.MachineHarness;

/**
 * Drives vCPU 0 of one machine on the calling thread, with the framework's exit semantics and no VM manager: for
 * unit tests that look at the machine between runs and for benchmarks that measure the calling thread. The exit
 * switch is the framework's: MMIO goes to the device bus, a shutdown or power-off ends the run with its status, a
 * failure or an exit no handler claims ends it with the message, a kick after the deadline ends it as a timeout.
 */
public final class MachineRunner implements AutoCloseable {
    /**
     * How a run ended.
     *
     * @param console      the console bytes as ISO-8859-1 text
     * @param status       the guest's power-off status (0 is clean)
     * @param failure      what stopped the run otherwise (failure, unclaimed exit, timeout); null after a shutdown or
     *                     power-off
     * @param instructions guest instructions vCPU 0 retired
     * @param nanos        wall time of the run
     * @param cpuNanos     CPU time of the calling thread during the run
     */
    public record Result(String console, int status, String failure, long instructions, long nanos, long cpuNanos) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final MachineHarness context;
    private final Machine machine;
    private final Map<String, ExitHandler> handlers = new HashMap<>();
    private final List<Consumer<? super Exit>> observers = new ArrayList<>();

    /**
     * Builds the machine for {@code config} and boots {@code image} into it; its guest clock always runs.
     *
     * @param architecture builds the machine
     * @param config       the VM configuration
     * @param image        the guest to boot
     */
    public MachineRunner(Architecture architecture, VmConfig config, ElfImage image) {
        this(architecture, config, GuestClock.HOST);
        machine.boot(image);
    }

    /**
     * Builds the machine for {@code config} on the given guest clock without booting anything: the test boots an
     * image ({@link #boot}), imports a saved state, or writes code into memory itself. A clock the test controls
     * plays the framework's pause and resume ({@link GuestClock#HOST} always runs).
     *
     * @param architecture builds the machine
     * @param config       the VM configuration
     * @param clock        the guest clock the machine reads
     */
    public MachineRunner(Architecture architecture, VmConfig config, GuestClock clock) {
        context = new MachineHarness(config, out::write, clock);
        try {
            machine = architecture.createMachine(context);
        } catch (RuntimeException e) {
            context.close(); // a refused configuration: free the guest memory, nothing else was created
            throw e;
        }
    }

    /**
     * Boots {@code image} into the machine (loads it and sets the boot vCPU's entry state).
     *
     * @param image the guest to boot
     * @return this runner
     */
    public MachineRunner boot(ElfImage image) {
        machine.boot(image);
        return this;
    }

    /**
     * Calls {@code observer} with every exit vCPU 0 returns, MMIO included, before the exit is acted on.
     *
     * @param observer sees each exit on the calling thread
     * @return this runner
     */
    public MachineRunner onExit(Consumer<? super Exit> observer) {
        observers.add(observer);
        return this;
    }

    /**
     * Dispatches these exit classes to the handler, as the framework's whiteboard would.
     *
     * @param handler     the handler
     * @param exitClasses the exit classes it takes
     * @return this runner
     */
    public MachineRunner handler(ExitHandler handler, String... exitClasses) {
        for (String c : exitClasses) {
            handlers.put(c, handler);
        }
        return this;
    }

    /**
     * The machine, for tests that look at its vCPUs and devices between runs.
     *
     * @return the machine
     */
    public Machine machine() {
        return machine;
    }

    /**
     * The machine context the machine was built with (device bus, console, clock).
     *
     * @return the context
     */
    public MachineContext context() {
        return context;
    }

    /**
     * The guest memory, for tests that write code or check results in RAM.
     *
     * @return the machine's guest memory
     */
    public GuestMemory memory() {
        return context.memory();
    }

    /**
     * The console so far.
     *
     * @return the console bytes as ISO-8859-1 text
     */
    public String console() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Runs vCPU 0 once, up to its next exit, and returns that exit after the observers saw it. MMIO is performed on
     * the device bus (a read is completed into the vCPU) before it is returned; every other exit is returned as it
     * came, for the test to act on: the step for tests that stop at an exact exit or console length.
     *
     * @return the exit
     */
    public Exit step() {
        Vcpu vcpu = machine.vcpu(0);
        Exit e = vcpu.run();
        for (Consumer<? super Exit> o : observers) {
            o.accept(e);
        }
        if (e instanceof Exit.Mmio m) {
            if (m.write()) {
                context.mmio().write(m.address(), m.size(), m.value());
            } else {
                vcpu.completeMmioRead(context.mmio().read(m.address(), m.size()));
            }
        }
        return e;
    }

    /**
     * Runs vCPU 0 until the guest stops, fails, or {@code timeout} passes (one kick at the deadline ends it).
     *
     * @param timeout longest run
     * @return how the run ended
     */
    public Result run(Duration timeout) {
        Vcpu vcpu = machine.vcpu(0);
        ExitContext exitContext = new ExitContext() {
            @Override
            public int vmId() {
                return context.vmId();
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
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long deadline = start + timeout.toNanos();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .daemon().name("machine-runner-deadline").unstarted(r));
        ScheduledFuture<?> kick = timer.schedule(vcpu::kick, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            while (true) {
                switch (step()) {
                    case Exit.Mmio m -> {
                        // performed by step()
                    }
                    case Exit.Shutdown s -> {
                        return result(s.status(), null, vcpu, start, cpuStart);
                    }
                    case Exit.Kicked k -> {
                        if (System.nanoTime() - deadline >= 0) {
                            return result(-1, "timeout after " + timeout.toMillis() + " ms", vcpu, start, cpuStart);
                        }
                    }
                    case Exit.Failure f -> {
                        return result(-1, f.message(), vcpu, start, cpuStart);
                    }
                    case Exit.ArchExit a -> {
                        ExitHandler h = handlers.get(a.exitClass());
                        if (h == null) {
                            return result(-1, "no handler for exit class " + a.exitClass() + ": " + a, vcpu, start,
                                    cpuStart);
                        }
                        // exhaustive over the sealed ExitAction: a new action is a compile error here, not a resume
                        switch (h.handle(exitContext, a)) {
                            case ExitAction.Resume r -> {
                            }
                            case ExitAction.PowerOff p -> {
                                return result(p.status(), null, vcpu, start, cpuStart);
                            }
                            case ExitAction.Fail f -> {
                                return result(-1, f.message(), vcpu, start, cpuStart);
                            }
                            case ExitAction.Halt halt -> {
                                // the framework would hold the VM in INTERNAL_ERROR; a harness run ends here
                                return result(-1, "internal error: " + halt.reason(), vcpu, start, cpuStart);
                            }
                        }
                    }
                }
            }
        } finally {
            kick.cancel(false);
            timer.shutdownNow();
        }
    }

    private Result result(int status, String failure, Vcpu vcpu, long start, long cpuStart) {
        return new Result(console(), status, failure, vcpu.instructionsRetired(), System.nanoTime() - start,
                THREADS.getCurrentThreadCpuTime() - cpuStart);
    }

    @Override
    public void close() {
        machine.close();
        context.close();
    }
}
