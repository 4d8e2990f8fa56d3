package org.polyvisor.arm64.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.polyvisor.api.VmInfo;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.GuestRun;
import org.polyvisor.testkit.GuestRunner;

/**
 * Runs a guest ELF the way the OSGi runtime does: the test kit's {@link GuestRunner} (the framework's real VM
 * manager, one platform thread per vCPU) with the arm64 architecture and its exit handlers registered as their DS
 * components would be.
 */
public final class HypVm {
    /** How a run ended: console bytes, final VM info, exit counts per class. */
    public record Result(String console, VmInfo info, Map<String, Long> exits) {
    }

    private HypVm() {
    }

    public static Path guestDir() {
        return GuestFiles.dir("arm64");
    }

    /** A guest runner for this architecture instance with the arm64 exit handlers. */
    public static GuestRunner runner(Arm64Architecture arch) {
        return GuestRunner.on(arch).handler(new PsciHandler(), "HVC64", "SMC64")
                .handler(new SysRegTrapHandler(), "SYS64").handler(new WfxHandler(), "WFx");
    }

    /** Registers the arm64 exit handlers as their DS components do. */
    public static StandaloneHypervisor registerHandlers(StandaloneHypervisor hv) {
        return hv.add("arm64", new PsciHandler(), "HVC64", "SMC64").add("arm64", new SysRegTrapHandler(), "SYS64")
                .add("arm64", new WfxHandler(), "WFx");
    }

    public static Result run(Path elf, String host, int vcpus, long timeoutMillis) {
        return run(new Arm64Architecture(), elf, host, vcpus, timeoutMillis);
    }

    public static Result run(Arm64Architecture arch, Path elf, String host, int vcpus, long timeoutMillis) {
        GuestRun r = runner(arch).vcpus(vcpus).option("host", host).run(elf, Duration.ofMillis(timeoutMillis));
        return new Result(r.console(), r.info(), r.exits());
    }
}
