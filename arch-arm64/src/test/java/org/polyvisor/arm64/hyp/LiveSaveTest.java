package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.LiveSaveResult;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.Await;
import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.Golden;

/**
 * Live save on arm64: the memwrite guest (guests/arm64/memwrite.c, rewriting 4 MiB with a dirty set that changes
 * every round) is saved with {@code saveLive} while it runs; the VM runs on to QEMU's output, and the VM restored from
 * the file prints the rest of it. The dirty log is the hypervisor layer's stage-2 write protection (built in, as
 * KVM_MEM_LOG_DIRTY_PAGES is in KVM).
 */
class LiveSaveTest {
    @TempDir
    Path dir;

    private static StandaloneHypervisor hypervisor() {
        return new StandaloneHypervisor().add(new Arm64Architecture())
                .add("arm64", new PsciHandler(), "HVC64", "SMC64").add("arm64", new SysRegTrapHandler(), "SYS64")
                .add("arm64", new WfxHandler(), "WFx");
    }

    private static int startWithConsole(VmManager mgr, int id, ByteArrayOutputStream out, boolean resume) {
        mgr.attachConsole(id, b -> {
            synchronized (out) {
                out.write(b);
            }
        });
        if (resume) {
            mgr.resume(id);
        } else {
            mgr.start(id);
        }
        return id;
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void memwriteSavedLiveRunsOnAndRestoresToQemusOutput() throws Exception {
        Path elf = GuestFiles.elf("arm64", "memwrite");
        String expected = new String(Golden.expected(elf), StandardCharsets.ISO_8859_1);
        Path snap = dir.resolve("memwrite.pvsnap");
        try (StandaloneHypervisor hv = hypervisor()) {
            VmManager mgr = hv.vms();
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            int id = startWithConsole(mgr, mgr.create(VmConfig.of("arm64", 128L << 20, 1, elf)), saved, false);
            Await.until("memwrite printing 3 lines", () -> text(saved).lines().count() >= 3, Duration.ofSeconds(60),
                    () -> text(saved).length() + " characters, " + mgr.info(id));
            LiveSaveResult result = mgr.saveLive(id, snap);
            assertEquals(VmState.RUNNING, mgr.info(id).state(), "saved while running: " + result);
            assertTrue(result.pageSize() >= 4096 && result.pagesPerRound().getFirst() >= 1024, result.toString());
            VmInfo done = mgr.awaitTermination(id, 120_000);
            assertEquals(VmState.STOPPED, done.state(), done.toString());
            Golden.assertSameBytes(Golden.expected(elf), text(saved), "memwrite saved live, against QEMU");
        }
        try (StandaloneHypervisor hv = hypervisor()) {
            VmManager mgr = hv.vms();
            ByteArrayOutputStream after = new ByteArrayOutputStream();
            int id = startWithConsole(mgr, hv.restore(snap), after, true);
            VmInfo done = mgr.awaitTermination(id, 120_000);
            assertEquals(VmState.STOPPED, done.state(), done.toString());
            String tail = text(after);
            assertTrue(tail.length() < expected.length() && tail.endsWith("memwrite done\n"), tail);
            assertEquals(expected.substring(expected.length() - tail.length()), tail,
                    "the restored VM prints the rest of QEMU's output, the checksum over all 4 MiB included");
        }
    }
}
