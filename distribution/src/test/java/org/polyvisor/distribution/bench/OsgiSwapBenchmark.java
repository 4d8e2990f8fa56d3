package org.polyvisor.distribution.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.polyvisor.distribution.Dist;
import org.polyvisor.distribution.HotSwapSupport;

/**
 * Hot-swap pause in a real Felix: 8 VMs of the toy architecture run a busy guest with exits and MMIO; the bundle
 * providing the architecture is updated (a jar with another Bundle-Version) and refreshed 20 times. Each update and
 * each refresh restarts the bundle, so every VM pauses twice per swap. The guest-visible pauses come from the
 * framework (`pv:pauses`: from the pause request to the first vCPU running guest code on the new implementation).
 *
 * <p>Run: {@code scripts/bench.sh swap-osgi [VMS SWAPS [arm64|pl031|toy [update|pvswap|compare]]]}; with {@code arm64}
 * the VMs run the arm64 swapload guest and the arm64 architecture bundle is the one updated; with {@code pl031} the
 * same VMs run while the device-pl031 bundle (a VM extension every arm64 VM has) is the one updated. {@code update}
 * (the default) is Felix's in-place update + refresh (two pauses per swap); {@code pvswap} is {@code pv:swap} with a
 * jar file, which starts the new revision next to the old one and moves the VMs over (one pause per swap).
 * {@code compare} measures update + refresh without and with the warm-up of the departing revision before the pause
 * ({@code polyvisor.swap.warmDeparting}), alternating over four fresh frameworks in this one run.
 */
public final class OsgiSwapBenchmark {
    private static final String WARM_DEPARTING = "polyvisor.swap.warmDeparting";

    public static void main(String[] args) throws Exception {
        int vms = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int swaps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String what = args.length > 2 ? args[2] : "toy";
        String how = args.length > 3 ? args[3] : "update";
        if (!how.equals("compare")) {
            report(what + " OSGi swap (" + (how.equals("pvswap") ? "pv:swap side by side" : "update+refresh") + ")",
                    vms, swaps, measure(vms, swaps, what, how.equals("pvswap")));
            return;
        }
        Result before = new Result();
        Result after = new Result();
        for (int round = 0; round < 2; round++) {
            System.setProperty(WARM_DEPARTING, "false");
            before.add(measure(vms, swaps / 2, what, false));
            System.setProperty(WARM_DEPARTING, "true");
            after.add(measure(vms, swaps / 2, what, false));
        }
        report(what + " OSGi swap (update+refresh), before: no warm-up of the departing revision", vms, swaps, before);
        report(what + " OSGi swap (update+refresh), after: departing revision warmed up before the pause", vms, swaps,
                after);
    }

    /** Pauses in microseconds and the swap calls' durations in milliseconds. */
    private static final class Result {
        final List<Long> pausesMicros = new ArrayList<>();
        final List<Long> swapMillis = new ArrayList<>();

        void add(Result r) {
            pausesMicros.addAll(r.pausesMicros);
            swapMillis.addAll(r.swapMillis);
        }
    }

    /** One fresh framework: starts the VMs, swaps {@code swaps} times, collects every VM's pauses. */
    private static Result measure(int vms, int swaps, String what, boolean pvswap) throws Exception {
        boolean device = what.equals("pl031");
        boolean arm64 = what.equals("arm64") || device;
        Result result = new Result();
        try (HotSwapSupport felix = HotSwapSupport.start()) {
            Path image = arm64 ? Dist.REPO.resolve("guests/arm64/swapload.elf")
                    : HotSwapSupport.busyGuest(Files.createTempDirectory("pv-bench"), 1_000_000);
            byte[] jar = device ? HotSwapSupport.distributionJar("polyvisor-device-pl031")
                    : arm64 ? HotSwapSupport.distributionJar("polyvisor-arch-arm64") : felix.testarchJarBytes();
            String bsn = device ? "org.polyvisor.device.pl031"
                    : arm64 ? "org.polyvisor.arch.arm64" : HotSwapSupport.TESTARCH;
            Path jarDir = Files.createTempDirectory("pv-bench-jars");
            int[] ids = new int[vms];
            for (int i = 0; i < vms; i++) {
                ids[i] = arm64 ? felix.createAndStart("arm64", "128M", image) : felix.createAndStart(image);
            }
            for (int id : ids) { // every guest running its loop before the first swap
                felix.waitFor("VM " + id + " printing", () -> consoleLength(felix, id) > 0, 60_000);
            }
            for (int s = 1; s <= swaps; s++) {
                long t0 = System.nanoTime();
                if (pvswap) {
                    Path file = jarDir.resolve("swap" + s + ".jar");
                    Files.write(file, HotSwapSupport.withVersion(jar, "0.1.0.bench" + s));
                    t0 = System.nanoTime();
                    String out = felix.gogo("pv:swap " + bsn + " " + file);
                    if (!out.contains("side by side")) {
                        throw new IllegalStateException("pv:swap did not swap side by side: " + out);
                    }
                } else {
                    if (device) {
                        felix.updateBundle(bsn, jar, "0.1.0.bench" + s, () -> felix.extensionRegistered("pl031"));
                    } else {
                        felix.updateBundle(bsn, jar, "0.1.0.bench" + s, arm64 ? "arm64" : "test");
                    }
                }
                result.swapMillis.add((System.nanoTime() - t0) / 1_000_000);
                // paces the load (not a synchronisation): back-to-back swaps would measure the swap queue, and a
                // benchmark of swaps under running guests wants the guests to run between them
                Thread.sleep(50);
            }
            for (int id : ids) {
                result.pausesMicros.addAll(felix.swapPausesMicros(id));
            }
        }
        return result;
    }

    private static void report(String title, int vms, int swaps, Result r) {
        long[] p = r.pausesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%s: %d VMs, %d swaps (%d guest pauses): p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                        + "swap call p50 %d ms%n", title, vms, swaps, p.length, p[p.length / 2] / 1000.0,
                p[Math.max(0, (int) Math.ceil(p.length * 0.99) - 1)] / 1000.0, p[p.length - 1] / 1000.0,
                r.swapMillis.stream().sorted().toList().get(r.swapMillis.size() / 2));
    }

    private static int consoleLength(HotSwapSupport felix, int vm) {
        try {
            return felix.gogo("pv:console " + vm).length();
        } catch (Exception e) {
            throw new IllegalStateException("pv:console " + vm + " failed: " + e.getMessage(), e);
        }
    }
}
