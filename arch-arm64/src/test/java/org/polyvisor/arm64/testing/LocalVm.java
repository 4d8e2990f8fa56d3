package org.polyvisor.arm64.testing;

import java.nio.file.Path;
import java.time.Duration;

import org.polyvisor.api.VmConfig;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.Machine;
import org.polyvisor.testkit.MachineRunner;

/**
 * One vCPU on the calling thread, for unit tests and the benchmarks: the test kit's {@link MachineRunner} (the
 * framework's exit semantics, no VM manager) with the arm64 exit handlers as the whiteboard would dispatch them.
 */
public final class LocalVm implements AutoCloseable {
    /** How a run ended: {@code failure} is null after a clean shutdown or power-off. */
    public record Result(String console, int status, String failure, long instructions, long nanos, long cpuNanos) {
    }

    private final MachineRunner runner;

    public LocalVm(ElfImage image, long memoryBytes) {
        this(image, new Arm64Architecture(), VmConfig.of("arm64", memoryBytes, 1, null));
    }

    /** On a given architecture instance (with features wired) and configuration (options such as ipa). */
    public LocalVm(ElfImage image, Arm64Architecture arch, VmConfig config) {
        runner = withArm64Handlers(new MachineRunner(arch, config, image));
    }

    /** Registers the arm64 exit handlers (PSCI, trapped system registers, WFx) as their DS components do. */
    public static MachineRunner withArm64Handlers(MachineRunner runner) {
        PsciHandler psci = new PsciHandler();
        return runner.handler(psci, "HVC64", "SMC64").handler(new SysRegTrapHandler(), "SYS64")
                .handler(new WfxHandler(), "WFx");
    }

    public static Result run(Path elf, long timeoutMillis) {
        try (LocalVm vm = new LocalVm(ElfImage.read(elf), 128L << 20)) {
            return vm.run(timeoutMillis);
        }
    }

    public Machine machine() {
        return runner.machine();
    }

    public GuestMemory memory() {
        return runner.memory();
    }

    /** The test kit's runner under this VM. */
    public MachineRunner runner() {
        return runner;
    }

    /** Runs vCPU 0 until the guest stops, fails or the timeout passes (failure "timeout after N ms"). */
    public Result run(long timeoutMillis) {
        MachineRunner.Result r = runner.run(Duration.ofMillis(timeoutMillis));
        return new Result(r.console(), r.status(), r.failure(), r.instructions(), r.nanos(), r.cpuNanos());
    }

    @Override
    public void close() {
        runner.close();
    }
}
