package org.polyvisor.testarch.bench;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.polyvisor.api.LiveSaveResult;
import org.polyvisor.api.VmConfig;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.testarch.ToyIsa;
import org.polyvisor.testarch.ToyProgram;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;
import org.polyvisor.testkit.Await;

/**
 * The final pause of a live save next to a stop-and-save of the same running VM (test architecture). A guest
 * rewrites one word in each of N pages per round, endlessly; for each working set (256 KiB, 2 MiB, 8 MiB by default)
 * the benchmark takes 5 live saves (rounds, pages per round, pages and time of the final pause) and 5 stop-and-saves
 * (the time from {@code pause} until {@code resume} returned: the guest is stopped for the whole save, file included),
 * and, as the floor both share, 5 plain {@code pause} + {@code resume} (parking the vCPU thread and waking it).
 * Medians are printed.
 *
 * <p>Run: {@code scripts/bench.sh testarch org.polyvisor.testarch.bench.LiveSaveBenchmark [PAGES...]}
 */
public final class LiveSaveBenchmark {
    private static final int SAMPLES = 5;
    private static final long MEM = 32L << 20;

    public static void main(String[] args) throws Exception {
        int[] workingSets = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {64, 512, 2048};
        Path dir = Files.createTempDirectory("pv-live-bench");
        System.out.printf("%-10s %-42s %12s %14s %16s %16s%n", "dirtying", "live: rounds x pages (last sample)",
                "final pages", "final pause", "stop-and-save", "pause+resume");
        for (int pages : workingSets) {
            Path elf = endlessWriter(dir, pages);
            try (VmManagerImpl mgr = VmManagerImpl.create()) {
                mgr.addArchitecture(new ToyArchitecture());
                mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
                int id = mgr.create(VmConfig.of("test", MEM, 1, elf));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                mgr.attachConsole(id, b -> {
                    synchronized (out) {
                        out.write(b);
                    }
                });
                mgr.start(id);
                Await.until("the guest's first rounds", () -> size(out) >= 20, Duration.ofSeconds(30),
                        () -> size(out) + " characters, " + mgr.info(id));
                Path file = dir.resolve("bench.pvsnap");
                Runnable running = () -> { // each sample starts with the guest running, not still parked from the last
                    int seen = size(out);
                    Await.until("the guest running on", () -> size(out) > seen + 2, Duration.ofSeconds(30),
                            () -> size(out) + " characters, " + mgr.info(id));
                };
                for (int warm = 0; warm < 2; warm++) {
                    running.run();
                    mgr.saveLive(id, file);
                }
                long[] livePause = new long[SAMPLES];
                long[] finalPages = new long[SAMPLES];
                List<Long> rounds = new ArrayList<>();
                for (int i = 0; i < SAMPLES; i++) {
                    running.run();
                    LiveSaveResult r = mgr.saveLive(id, file);
                    livePause[i] = r.finalPauseNanos();
                    finalPages[i] = r.finalPages();
                    rounds = r.pagesPerRound();
                }
                long[] stopPause = new long[SAMPLES];
                for (int i = 0; i < SAMPLES; i++) {
                    running.run();
                    long t0 = System.nanoTime();
                    mgr.pause(id);
                    mgr.saveSnapshot(id, file);
                    mgr.resume(id);
                    stopPause[i] = System.nanoTime() - t0;
                }
                long[] bare = new long[SAMPLES];
                for (int i = 0; i < SAMPLES; i++) {
                    running.run();
                    long t0 = System.nanoTime();
                    mgr.pause(id);
                    mgr.resume(id);
                    bare[i] = System.nanoTime() - t0;
                }
                System.out.printf("%-10s %-42s %12d %11.3f ms %13.3f ms %13.3f ms%n", pages * 4 + " KiB",
                        rounds.size() + " x " + rounds, median(finalPages), median(livePause) / 1e6,
                        median(stopPause) / 1e6, median(bare) / 1e6);
            }
        }
    }

    /** Rewrites a word in each of {@code pages} pages per round, forever, printing a letter per round. */
    private static Path endlessWriter(Path dir, int pages) {
        return ToyProgram.builder()
                .li(1, 1).li(4, 31)
                .label("outer").li(3, pages).li(6, 0x1_0000)
                .label("inner").ldx(5, 6, 0).op(ToyIsa.MUL, 5, 4, 0).op(ToyIsa.ADD, 5, 1, 0).stx(5, 6, 0)
                .op(ToyIsa.ADD, 1, 5, 0).addi(6, 4096).addi(3, -1).bnz(3, "inner")
                .li(5, 0).op(ToyIsa.ADD, 5, 1, 0).op(ToyIsa.SHR, 5, 0, 27).addi(5, 'A').out(5)
                .li(2, 1).bnz(2, "outer")
                .writeTo(dir.resolve("endless-" + pages + ".elf"));
    }

    private static int size(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.size();
        }
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
