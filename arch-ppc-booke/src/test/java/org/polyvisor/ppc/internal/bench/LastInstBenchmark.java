package org.polyvisor.ppc.internal.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.polyvisor.ppc.internal.ElfPatch;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.ppc.internal.LocalVm;
import org.polyvisor.ppc.internal.cpu.Ivor;

/**
 * The comparison behind KVM's switch from lwepx to a TLB search (2014): a guest loop of hypervisor-privileged instructions (hvloop: tlbsx, each one an HV_PRIV
 * exit whose instruction the hypervisor must load), run with lastinst=tlbsearch and lastinst=lwepx alternately.
 * Reports vCPU CPU time per exit (the whole exit: trap, last-instruction load, emulation, return, plus the guest's
 * four loop instructions) and the relative difference. Usage: LastInstBenchmark [iterations=200000] [repeats=5].
 */
public final class LastInstBenchmark {
    private LastInstBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path elf = ElfPatch.patch(GuestRun.elf("hvloop"), "hv_iterations", new int[] {iterations},
                Files.createTempDirectory("pv-hv").resolve("hvloop.elf"));
        var mx = ManagementFactory.getThreadMXBean();
        String[] strategies = {"tlbsearch", "lwepx"};
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int rep = 0; rep < repeats + 1; rep++) {
            for (int s = 0; s < 2; s++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long exits;
                try (LocalVm vm = new LocalVm(elf, Map.of("lastinst", strategies[s])).runToEnd()) {
                    exits = vm.vcpu.hypervisor().stats.get(Ivor.HV_PRIV);
                }
                long cpu = mx.getCurrentThreadCpuTime() - c0;
                long wall = System.nanoTime() - t0;
                double perExit = (double) cpu / exits;
                if (rep > 0) { // the first round warms up the JIT
                    best[s] = Math.min(best[s], perExit);
                    System.out.printf("%-9s %,d HV_PRIV exits, %.1f ns CPU per exit (%.1f ns wall)%n", strategies[s], exits,
                            perExit, (double) wall / exits);
                }
            }
        }
        System.out.printf("best: tlbsearch %.1f ns/exit, lwepx %.1f ns/exit, tlbsearch is %+.1f%% relative to lwepx%n",
                best[0], best[1], (best[0] - best[1]) / best[1] * 100);
    }
}
