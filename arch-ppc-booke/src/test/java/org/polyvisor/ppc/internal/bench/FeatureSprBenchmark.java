package org.polyvisor.ppc.internal.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.polyvisor.ppc.internal.ElfPatch;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.ppc.internal.LocalVm;
import org.polyvisor.ppc.internal.PpcArchitecture;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.spi.BookeSpr;
import org.polyvisor.ppc.spi.BookeSprTable;

/**
 * What a contributed SPR costs the guest: featspr's read-increment-write loop (two moves of SPR 720 per round) with a
 * feature table (each move a program interrupt the hypervisor layer emulates) and without one (each move a program
 * interrupt reflected to the guest, whose handler skips it). Reports vCPU CPU time per program interrupt, loop
 * instructions included. Usage: FeatureSprBenchmark [rounds=1000000] [repeats=5].
 */
public final class FeatureSprBenchmark {
    private FeatureSprBenchmark() {
    }

    private static final BookeSprTable FEATURE = new BookeSprTable() {
        @Override
        public String name() {
            return "bench-feature";
        }

        @Override
        public List<BookeSpr> registers() {
            return List.of(BookeSpr.plain(720, "TEST_FEAT", BookeSpr.RW_SUPERVISOR, 0),
                    BookeSpr.plain(705, "TEST_FEAT_U", BookeSpr.RO_USER, 0x705));
        }
    };

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path elf = ElfPatch.patch(GuestRun.elf("featspr"), "feat_rounds", new int[] {rounds},
                Files.createTempDirectory("pv-featspr").resolve("featspr.elf"));
        var mx = ManagementFactory.getThreadMXBean();
        String[] runs = {"emulated", "reflected"};
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int rep = 0; rep < repeats + 1; rep++) {
            for (int s = 0; s < 2; s++) {
                PpcArchitecture arch = new PpcArchitecture(s == 0 ? List.of(FEATURE) : List.of());
                long c0 = mx.getCurrentThreadCpuTime();
                long exits;
                try (LocalVm vm = new LocalVm(elf, Map.of(), arch).runToEnd()) {
                    exits = vm.vcpu.hypervisor().stats.get(Ivor.PROGRAM);
                }
                double perExit = (double) (mx.getCurrentThreadCpuTime() - c0) / exits;
                if (rep > 0) { // the first round warms up the JIT
                    best[s] = Math.min(best[s], perExit);
                    System.out.printf("%-9s %,d program interrupts, %.1f ns CPU each%n", runs[s], exits, perExit);
                }
            }
        }
        System.out.printf("best: emulated %.1f ns, reflected %.1f ns per program interrupt (%+.1f%%)%n", best[0],
                best[1], (best[0] - best[1]) / best[1] * 100);
    }
}
