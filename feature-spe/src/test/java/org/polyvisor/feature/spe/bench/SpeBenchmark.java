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
import org.polyvisor.feature.spe.internal.SpeStats;
import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.GuestRun;
import org.polyvisor.testkit.GuestRunner;

/**
 * Guest slowdown of SPE sampling at interval 1024 against no profiling, and the two guest-SPE designs side by side
 * (the copy buffer of the 2022 series and the pinned buffer), on one ELF: guests/arm64/spebench (CRC-32 over 1 MiB
 * x 8, profiled only when the VM has spe=on, the buffer rewound on every PMBIRQ as perf does). Rounds alternate the
 * three configurations so that the machine's load affects them alike; the first two rounds are warm-up. Process CPU
 * time is the figure to read on a shared machine (wall time there mostly measures the scheduler).
 *
 * <p>Run: {@code scripts/bench.sh feature-spe org.polyvisor.feature.spe.bench.SpeBenchmark [rounds]}.
 */
public final class SpeBenchmark {
    private SpeBenchmark() {
    }

    private enum Config { OFF, COPY, PIN }

    /** CPU time of this process (every thread: the vCPU's, the JIT's, the GC's), in nanoseconds. */
    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private record Sample(double wall, double cpu, long insns, long exits, long records, long copied, long copies,
                          long pinned) {
    }

    private static Sample run(Path elf, Config config) {
        SpeRegisterTable table = new SpeRegisterTable(config == Config.PIN);
        GuestRunner r = GuestRunner.on(new Arm64Architecture(null, List.of(table)))
                .handler(new PsciHandler(), "HVC64", "SMC64").handler(new SysRegTrapHandler(), "SYS64")
                .handler(new WfxHandler(), "WFx");
        if (config != Config.OFF) {
            r = r.option("spe", "on");
        }
        long c0 = cpuNanos();
        GuestRun g = r.run(elf, Duration.ofMinutes(5));
        long c1 = cpuNanos();
        if (!g.console().contains("crc=0x")) {
            throw new IllegalStateException("spebench did not finish (" + config + "):\n" + g.console());
        }
        SpeStats s = table.stats();
        return new Sample(g.nanos() / 1e9, (c1 - c0) / 1e9, g.instructions(), g.exits().getOrDefault("SYS64", 0L),
                s.records.sum(), s.bytesCopied.sum(), s.copies.sum(), s.pagesPinned.sum());
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    public static void main(String[] args) {
        Path elf = GuestFiles.elf("arm64", "spebench");
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<Double>> wall = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < rounds; i++) {
            for (Config c : Config.values()) {
                Sample s = run(elf, c);
                System.out.printf("round %d %-4s: %.3f s wall, %.3f s CPU, %,d insns, SYS64 exits %d, records %,d,"
                        + " bytes copied %,d in %d copies, pages pinned %d%n", i + 1, c, s.wall(), s.cpu(), s.insns(),
                        s.exits(), s.records(), s.copied(), s.copies(), s.pinned());
                if (i >= 2) {
                    cpu.get(c.ordinal()).add(s.cpu());
                    wall.get(c.ordinal()).add(s.wall());
                }
            }
        }
        double off = median(cpu.get(0));
        for (Config c : Config.values()) {
            double m = median(cpu.get(c.ordinal()));
            System.out.printf("%-4s median process CPU %.3f s (%+.1f %% vs off), median wall %.3f s%n", c, m,
                    100 * (m / off - 1), median(wall.get(c.ordinal())));
        }
        System.out.println("floor: spe at interval 1024 under 10 % slower than no profiling");
    }
}
