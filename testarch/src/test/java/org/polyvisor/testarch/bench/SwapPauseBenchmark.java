package org.polyvisor.testarch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.polyvisor.api.VmConfig;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.testarch.ToyIsa;
import org.polyvisor.testarch.ToyProgram;
import org.polyvisor.testarch.VmProgress;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;
import org.polyvisor.testkit.Await;

/**
 * Pause time per architecture swap: from the moment the old architecture starts to go away (the framework pauses
 * every VM, exports state, closes the machines) to the moment the last VM's vCPU thread leaves the pause to run guest
 * code on the new implementation (the worst VM of each swap is counted). 8 VMs run a busy loop with exits; 20
 * swaps; prints p50, p99 and max. This is the framework's mechanism alone (no OSGi bundle update; see the
 * distribution's OSGi swap test for that cost).
 *
 * <p>Run: {@code scripts/bench.sh swap-pause}
 */
public final class SwapPauseBenchmark {
    public static void main(String[] args) throws Exception {
        int vms = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int swaps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("pv-bench");
        Path elf = ToyProgram.builder().li(1, 1).li(4, 31)
                .label("l").op(ToyIsa.MUL, 1, 4, 0).addi(1, 7).hcall(0).li(2, 1).bnz(2, "l")
                .writeTo(dir.resolve("busy.elf"));
        try (VmManagerImpl mgr = VmManagerImpl.create()) {
            ToyArchitecture arch = new ToyArchitecture();
            mgr.addArchitecture(arch);
            mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
            int[] ids = new int[vms];
            for (int i = 0; i < vms; i++) {
                ids[i] = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
                mgr.start(ids[i]);
            }
            for (int id : ids) { // every guest in its loop before the first swap
                VmProgress.untilExitsPass(mgr, id, 1_000);
            }
            List<Long> micros = new ArrayList<>();
            for (int s = 0; s < swaps + 3; s++) { // 3 warm-up swaps
                long t0 = System.nanoTime();
                mgr.removeArchitecture(arch);
                long t1 = System.nanoTime();
                arch = new ToyArchitecture();
                mgr.addArchitecture(arch);
                long t2 = System.nanoTime();
                if (System.getProperty("pv.breakdown") != null) {
                    System.out.printf("remove %.1f ms, add %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
                }
                // Each vCPU thread stamps the moment it leaves the pause for guest code on the new machine; the
                // observer only reads the stamps once all are there, so its own scheduling delay is not counted.
                long swapStart = t0;
                Await.until("every VM resumed after swap " + s, () -> Arrays.stream(ids)
                        .allMatch(id -> mgr.lastResumeNanos(id) >= swapStart), Duration.ofSeconds(10),
                        () -> Arrays.stream(ids).mapToObj(id -> "VM " + id + " resumed "
                                + (mgr.lastResumeNanos(id) - swapStart) / 1000 + " us after the swap began").toList()
                                .toString());
                long worst = 0;
                for (int i = 0; i < vms; i++) {
                    long resumed = mgr.lastResumeNanos(ids[i]);
                    worst = Math.max(worst, resumed - t0);
                    if (System.getProperty("pv.breakdown") != null) {
                        System.out.printf(" %.1f", (resumed - t0) / 1e6);
                    }
                }
                if (System.getProperty("pv.breakdown") != null) {
                    System.out.println();
                }
                if (s >= 3) {
                    micros.add(worst / 1000);
                }
            }
            long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("swap pause with %d running VMs over %d swaps: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    vms, sorted.length, sorted[sorted.length / 2] / 1000.0,
                    sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1000.0,
                    sorted[sorted.length - 1] / 1000.0);
            System.out.println("all (us): " + Arrays.toString(sorted));
        }
    }
}
