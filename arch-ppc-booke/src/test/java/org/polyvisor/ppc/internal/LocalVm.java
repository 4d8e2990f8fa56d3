package org.polyvisor.ppc.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.polyvisor.api.VmConfig;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.hyp.DebugExitHandler;
import org.polyvisor.ppc.internal.hyp.EmulationFailureHandler;
import org.polyvisor.ppc.internal.hyp.HypercallHandler;
import org.polyvisor.ppc.internal.hyp.PpcExit;
import org.polyvisor.ppc.internal.hyp.PpcVcpu;
import org.polyvisor.ppc.internal.machine.PpcMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.MmioBus;
import org.polyvisor.testkit.MachineRunner;

/**
 * A ppc-booke VM run on the test thread, for tests that reach into the vCPU: hooks, hypervisor statistics, state
 * export in the middle of a run. A thin adapter over the test kit's {@link MachineRunner} (the framework's exit
 * switch) with this bundle's exit handlers registered as DS registers them; it records every exit it sees.
 */
public final class LocalVm implements AutoCloseable {
    /** How long {@link #runToEnd()} lets a guest run before it fails the test. */
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    public final GuestMemory memory;
    /** The guest console so far (a live view: it grows as the guest prints). */
    public final CharSequence console;
    /** Every exit vCPU 0 returned, by class ("mmio", "SHUTDOWN", "KICKED", "FAILURE" or the arch exit class). */
    public final Map<String, Long> exits = new TreeMap<>();
    /** The ppc exits (HV_SYSCALL, INST_LOAD_FAIL, ...) in the order they happened. */
    public final List<PpcExit> archExits = new ArrayList<>();
    public final PpcMachine machine;
    public final PpcVcpu vcpu;
    /** The guest's power-off, once it happened. */
    public Exit.Shutdown shutdown;

    private final MachineRunner runner;

    /** A VM on a guest clock that always runs; {@code elf} null builds the machine without booting anything. */
    public LocalVm(Path elf, Map<String, String> options) {
        this(elf, options, GuestClock.HOST);
    }

    /** The same on a guest clock the test controls (pause and resume played by stopping and advancing it). */
    public LocalVm(Path elf, Map<String, String> options, GuestClock clock) {
        this(elf, options, clock, new PpcArchitecture());
    }

    /** The same on a given architecture instance (one wired with feature SPR tables). */
    public LocalVm(Path elf, Map<String, String> options, PpcArchitecture arch) {
        this(elf, options, GuestClock.HOST, arch);
    }

    private LocalVm(Path elf, Map<String, String> options, GuestClock clock, PpcArchitecture arch) {
        VmConfig cfg = VmConfig.of("ppc-booke", GuestRun.RAM, 1, elf);
        for (var e : options.entrySet()) {
            cfg = cfg.withOption(e.getKey(), e.getValue());
        }
        runner = new MachineRunner(arch, cfg, clock)
                .handler(new EmulationFailureHandler(), "INST_LOAD_FAIL", "EMULATION_FAIL")
                .handler(new HypercallHandler(), "HV_SYSCALL")
                .handler(new DebugExitHandler(), "DEBUG")
                .onExit(this::record);
        if (elf != null) {
            runner.boot(ElfImage.read(elf));
        }
        memory = runner.memory();
        machine = (PpcMachine) runner.machine();
        vcpu = machine.vcpu(0);
        console = new ConsoleView(runner);
    }

    private void record(Exit e) {
        String cls = switch (e) {
            case Exit.Mmio m -> "mmio";
            case Exit.Shutdown s -> {
                shutdown = s;
                yield "SHUTDOWN";
            }
            case Exit.Kicked k -> "KICKED";
            case Exit.Failure f -> "FAILURE";
            case Exit.ArchExit a -> a.exitClass();
        };
        exits.merge(cls, 1L, Long::sum);
        if (e instanceof PpcExit p) {
            archExits.add(p);
        }
    }

    public MmioBus bus() {
        return runner.context().mmio();
    }

    /** The test kit's runner under this VM. */
    public MachineRunner runner() {
        return runner;
    }

    /** Runs until the next exit that is not MMIO (MMIO is performed on the bus); returns it, unhandled. */
    public Exit next() {
        while (true) {
            Exit e = runner.step();
            if (!(e instanceof Exit.Mmio)) {
                return e;
            }
        }
    }

    /** Runs (performing MMIO) until the console holds at least n bytes; false if the guest stopped first. */
    public boolean runUntilConsole(int n) {
        while (console.length() < n) {
            switch (runner.step()) {
                case Exit.Shutdown s -> {
                    return false;
                }
                case Exit.Failure f -> throw new AssertionError("vCPU failed: " + f.message() + "\nconsole: "
                        + console);
                default -> {
                    // MMIO was performed; arch exits and kicks resume, as a run to this point is all the test wants
                }
            }
        }
        return true;
    }

    /** Runs to power-off, the exits going to this bundle's handlers; fails the test if the guest fails or hangs. */
    public LocalVm runToEnd() {
        MachineRunner.Result r = runner.run(RUN_TIMEOUT);
        if (r.failure() != null) {
            throw new AssertionError("vCPU failed: " + r.failure() + "\nconsole: " + console);
        }
        return this;
    }

    @Override
    public void close() {
        runner.close();
    }

    /** The runner's console as a character sequence that follows the output. */
    private record ConsoleView(MachineRunner runner) implements CharSequence {
        @Override
        public int length() {
            return runner.console().length();
        }

        @Override
        public char charAt(int index) {
            return runner.console().charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return runner.console().subSequence(start, end);
        }

        @Override
        public String toString() {
            return runner.console();
        }
    }
}
