package org.polyvisor.arm64.bench;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.polyvisor.api.LiveSaveResult;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmManager;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.Await;
import org.polyvisor.testkit.GuestFiles;

/**
 * arm64: the final pause of a live save of the memwrite guest (4 MiB rewritten with a changing dirty set) next to a
 * stop-and-save of the same guest at the same point (pause until resume returned), 5 fresh VMs each, medians; with
 * the rounds and pages per round of the last live save.
 */
public final class LiveSaveBenchmark {
    private static final int SAMPLES = 5;


    public static void main(String[] args) throws Exception {
        Path elf = GuestFiles.elf("arm64", "memwrite");
        Path file = Files.createTempDirectory("pv-arm64-live").resolve("bench.pvsnap");
        long[] live = new long[SAMPLES];
        long[] stop = new long[SAMPLES];
        LiveSaveResult last = null;
        try (StandaloneHypervisor hv = new StandaloneHypervisor()
                .add(new Arm64Architecture())
                .add("arm64", new PsciHandler(), "HVC64", "SMC64").add("arm64", new SysRegTrapHandler(), "SYS64")
                .add("arm64", new WfxHandler(), "WFx")) {
            VmManager mgr = hv.vms();
            for (int i = 0; i < 2 * SAMPLES + 2; i++) { // the first live and stop-and-save warm up
                int id = startedMidRun(mgr, elf);
                if (i % 2 == 0) {
                    last = mgr.saveLive(id, file);
                    live[Math.max(0, i / 2 - 1)] = last.finalPauseNanos();
                } else {
                    long t0 = System.nanoTime();
                    mgr.pause(id);
                    hv.save(id, file);
                    mgr.resume(id);
                    stop[Math.max(0, i / 2 - 1)] = System.nanoTime() - t0;
                }
                mgr.destroy(id);
            }
        }
        System.out.printf("arm64 memwrite: live save %d rounds %s pages of %d bytes, %d pages in the final pause;%n"
                + "final pause %.3f ms (median of %d), stop-and-save %.3f ms%n", last.rounds(), last.pagesPerRound(),
                last.pageSize(), last.finalPages(), median(live) / 1e6, SAMPLES, median(stop) / 1e6);
    }

    private static int startedMidRun(VmManager mgr, Path elf) {
        int id = mgr.create(VmConfig.of("arm64", 128L << 20, 1, elf));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mgr.attachConsole(id, b -> {
            synchronized (out) {
                out.write(b);
            }
        });
        mgr.start(id);
        Await.until("memwrite printing 3 lines", () -> {
            synchronized (out) {
                return out.size() >= 27;
            }
        }, Duration.ofSeconds(60), () -> mgr.info(id).toString());
        return id;
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
