package org.polyvisor.feature.spe.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.sun.management.OperatingSystemMXBean;

import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.feature.spe.internal.SpeRegisterTable;
import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.GuestRun;
import org.polyvisor.testkit.GuestRunner;

/**
 * Guest slowdown of SPE sampling at interval 1024 (the copy-buffer design: PMS/PMB accesses trapped and emulated,
 * records copied from the hypervisor-owned buffer into the guest's) against no profiling, on one ELF
 * (guests/arm64/spebench: CRC-32 over 1 MiB x 8, profiled only when the VM has spe=on). Runs alternate between the
 * two configurations so that the machine's load affects both alike; the first two pairs are warm-up.
 *
 * <p>Run: {@code scripts/bench.sh feature-spe org.polyvisor.feature.spe.bench.SpeBenchmark [pairs]}.
 */
public final class SpeBenchmark {
    private SpeBenchmark() {
    }

    /** CPU time of this process (every thread: the vCPU's, the JIT's, the GC's), in nanoseconds. */
    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static GuestRun run(Path elf, boolean spe) {
        GuestRunner r = GuestRunner.on(new Arm64Architecture(null, List.of(new SpeRegisterTable())))
                .handler(new PsciHandler(), "HVC64", "SMC64").handler(new SysRegTrapHandler(), "SYS64")
                .handler(new WfxHandler(), "WFx");
        if (spe) {
            r = r.option("spe", "on");
        }
        GuestRun g = r.run(elf, Duration.ofMinutes(5));
        if (!g.console().contains("crc=0x")) {
            throw new IllegalStateException("spebench did not finish (spe=" + spe + "):\n" + g.console());
        }
        return g;
    }

    public static void main(String[] args) {
        Path elf = GuestFiles.elf("arm64", "spebench");
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<Double> off = new ArrayList<>();
        List<Double> on = new ArrayList<>();
        List<Double> offCpu = new ArrayList<>();
        List<Double> onCpu = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            long c0 = cpuNanos();
            GuestRun a = run(elf, false);
            long c1 = cpuNanos();
            GuestRun b = run(elf, true);
            long c2 = cpuNanos();
            double ma = a.instructions() / (a.nanos() / 1e3);
            double mb = b.instructions() / (b.nanos() / 1e3);
            System.out.printf("pair %d: off %.3f s (%.3f s CPU) %.1f MIPS | spe@1024 %.3f s (%.3f s CPU) %.1f MIPS,"
                    + " %,d insns, SYS64 exits %d, %s", i + 1, a.nanos() / 1e9, (c1 - c0) / 1e9, ma, b.nanos() / 1e9,
                    (c2 - c1) / 1e9, mb, b.instructions(),
                    b.exits().getOrDefault("SYS64", 0L), b.console().lines().filter(l -> l.startsWith("fills="))
                            .findFirst().orElse("?") + "\n");
            if (i >= 2) {
                off.add(a.nanos() / 1e9);
                on.add(b.nanos() / 1e9);
                offCpu.add((c1 - c0) / 1e9);
                onCpu.add((c2 - c1) / 1e9);
            }
        }
        off.sort(null);
        on.sort(null);
        offCpu.sort(null);
        onCpu.sort(null);
        double cOff = offCpu.get(offCpu.size() / 2);
        double cOn = onCpu.get(onCpu.size() / 2);
        System.out.printf("median process CPU: off %.3f s, spe@1024 %.3f s: slowdown %.1f %%%n", cOff, cOn,
                100 * (cOn / cOff - 1));
        double mOff = off.get(off.size() / 2);
        double mOn = on.get(on.size() / 2);
        System.out.printf("median wall: off %.3f s, spe@1024 %.3f s: slowdown %.1f %% (floor: under 10 %%)%n", mOff,
                mOn, 100 * (mOn / mOff - 1));
    }
}
