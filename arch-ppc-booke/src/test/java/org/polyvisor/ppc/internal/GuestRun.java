package org.polyvisor.ppc.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.polyvisor.api.VmInfo;
import org.polyvisor.ppc.internal.hyp.DebugExitHandler;
import org.polyvisor.ppc.internal.hyp.EmulationFailureHandler;
import org.polyvisor.ppc.internal.hyp.HypercallHandler;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.GuestRunner;

/**
 * Runs a guest ELF of guests/ppc through the framework's VM manager (the test kit's {@link GuestRunner}: one vCPU
 * thread, exits dispatched by class), with this bundle's exit handlers registered as DS registers them.
 */
public final class GuestRun {
    public static final long RAM = 128L << 20;

    /** nanos: wall time from start to termination. */
    public record Result(String console, VmInfo info, Map<String, Long> exits, long instructions, long nanos) {
    }

    private GuestRun() {
    }

    public static Path guestDir() {
        return GuestFiles.dir("ppc");
    }

    public static Path elf(String name) {
        return GuestFiles.elf("ppc", name);
    }

    /** A runner for ppc-booke guests with this bundle's exit handlers. */
    public static GuestRunner runner() {
        return runner(new PpcArchitecture());
    }

    /** The bundle's exit handlers with the exit classes their DS components declare. */
    private record Handler(ExitHandler handler, String... exitClasses) {
    }

    private static List<Handler> handlers() {
        return List.of(new Handler(new EmulationFailureHandler(), "INST_LOAD_FAIL", "EMULATION_FAIL"),
                new Handler(new HypercallHandler(), "HV_SYSCALL"), new Handler(new DebugExitHandler(), "DEBUG"));
    }

    /** The same on a given architecture instance (a test that removes it again to swap it). */
    public static GuestRunner runner(PpcArchitecture arch) {
        GuestRunner runner = GuestRunner.on(arch).memory(RAM);
        handlers().forEach(h -> runner.handler(h.handler(), h.exitClasses()));
        return runner;
    }

    /** The framework's VM manager without OSGi, with the ppc-booke architecture and its exit handlers registered. */
    public static StandaloneHypervisor hypervisor() {
        StandaloneHypervisor hv = new StandaloneHypervisor().add(new PpcArchitecture());
        handlers().forEach(h -> hv.add(PpcArchitecture.ID, h.handler(), h.exitClasses()));
        return hv;
    }

    public static Result run(Path elf, Map<String, String> options, long timeoutMillis) {
        GuestRunner runner = runner();
        options.forEach(runner::option);
        var r = runner.run(elf, Duration.ofMillis(timeoutMillis));
        return new Result(r.console(), r.info(), r.exits(), r.instructions(), r.nanos());
    }

    public static Result run(String guest) {
        return run(elf(guest), Map.of(), 20_000);
    }
}
