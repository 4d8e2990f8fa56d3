package org.polyvisor.distribution.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.polyvisor.distribution.HotSwapSupport;

/**
 * Hot-swap pause in a real Felix: 8 VMs of the toy architecture run a busy guest with exits and MMIO; the bundle
 * providing the architecture is updated (a jar with another Bundle-Version) and refreshed 20 times. Each update and
 * each refresh restarts the bundle, so every VM pauses twice per swap. The guest-visible pauses come from the
 * framework (`pv:pauses`: from the pause request to the first vCPU running guest code on the new implementation).
 *
 * <p>Run: {@code scripts/bench.sh swap-osgi [VMS SWAPS [arm64]]}; with {@code arm64} the VMs run the arm64 swapload
 * guest and the arm64 architecture bundle is the one updated.
 */
public final class OsgiSwapBenchmark {
    public static void main(String[] args) throws Exception {
        int vms = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int swaps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        boolean arm64 = args.length > 2 && args[2].equals("arm64");
        try (HotSwapSupport felix = HotSwapSupport.start()) {
            Path image = arm64 ? org.polyvisor.distribution.Dist.REPO.resolve("guests/arm64/swapload.elf")
                    : HotSwapSupport.busyGuest(Files.createTempDirectory("pv-bench"), 1_000_000);
            byte[] arm64Jar = arm64 ? HotSwapSupport.distributionJar("polyvisor-arch-arm64") : null;
            int[] ids = new int[vms];
            for (int i = 0; i < vms; i++) {
                ids[i] = arm64 ? felix.createAndStart("arm64", "128M", image) : felix.createAndStart(image);
            }
            Thread.sleep(500);
            List<Long> updateMillis = new ArrayList<>();
            for (int s = 1; s <= swaps; s++) {
                long t0 = System.nanoTime();
                if (arm64) {
                    felix.updateBundle("org.polyvisor.arch.arm64", arm64Jar, "0.1.0.bench" + s, "arm64");
                } else {
                    felix.updateTestarch("0.1.0.bench" + s);
                }
                updateMillis.add((System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(50);
            }
            List<Long> pauses = new ArrayList<>();
            for (int id : ids) {
                pauses.addAll(felix.swapPausesMicros(id));
            }
            long[] p = pauses.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf((arm64 ? "arm64 " : "toy ") + "OSGi swap: %d VMs, %d bundle updates+refreshes (%d guest pauses): "
                            + "p50 %.2f ms, p99 %.2f ms, max %.2f ms; update+refresh call p50 %d ms%n",
                    vms, swaps, p.length, p[p.length / 2] / 1000.0,
                    p[Math.max(0, (int) Math.ceil(p.length * 0.99) - 1)] / 1000.0, p[p.length - 1] / 1000.0,
                    updateMillis.stream().sorted().toList().get(updateMillis.size() / 2));
        }
    }
}
