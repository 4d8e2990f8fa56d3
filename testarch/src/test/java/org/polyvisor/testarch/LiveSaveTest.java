package org.polyvisor.testarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.LiveSaveResult;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;
import org.polyvisor.testkit.Await;

/**
 * {@code pv:save --live} end to end: a guest that keeps writing memory is saved while it runs, both the saved VM and
 * the restored one finish with the output of an uninterrupted run.
 */
class LiveSaveTest {
    private static final long MEM = 4 << 20;
    /** 2 MiB written every round: more than the 1 MiB a live save leaves for its pause, so rounds really run. */
    private static final int PAGES = 512;
    @TempDir
    Path dir;
    private final VmManagerImpl mgr = VmManagerImpl.create();

    @AfterEach
    void close() {
        mgr.close();
    }

    private static VmManagerImpl withToy(VmManagerImpl m, ToyArchitecture arch) {
        m.addArchitecture(arch);
        m.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        return m;
    }

    private static String text(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aGuestWritingMemoryIsSavedWhileRunningAndRestoredWithIdenticalOutput() throws Exception {
        Path elf = ToyPrograms.memoryWriter(dir, 20_000, PAGES);
        String expected;
        try (VmManagerImpl ref = withToy(VmManagerImpl.create(), new ToyArchitecture())) {
            expected = VmManagerTest.run(ref, ref.create(VmConfig.of("test", MEM, 1, elf)));
        }
        assertTrue(expected.endsWith("done\n"), expected);

        withToy(mgr, new ToyArchitecture());
        int id = mgr.create(VmConfig.of("test", MEM, 1, elf));
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        mgr.attachConsole(id, saved::write);
        mgr.start(id);
        Await.until("VM " + id + " printing 10 rounds", () -> saved.size() >= 10, Duration.ofSeconds(20),
                () -> saved.size() + " characters, " + mgr.info(id));
        Path snap = dir.resolve("live.pvsnap");
        LiveSaveResult result = mgr.saveLive(id, snap);
        assertEquals(VmState.RUNNING, mgr.info(id).state(),
                "the guest was still writing when the save ended (else it finished too early to test): " + result);
        assertTrue(result.pagesPerRound().getFirst() >= PAGES, "round 0 copies all touched RAM: " + result);
        assertTrue(result.finalPauseNanos() > 0, result.toString());
        assertTrue(result.summary().contains("saved live to " + snap), result.summary());

        VmInfo done = mgr.awaitTermination(id, 60_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
        assertEquals(expected, text(saved), "the VM saved live runs on as if nothing happened");

        try (VmManagerImpl other = withToy(VmManagerImpl.create(), new ToyArchitecture())) {
            int restored = other.restoreSnapshot(snap);
            assertEquals(VmState.PAUSED, other.info(restored).state());
            ByteArrayOutputStream after = new ByteArrayOutputStream();
            other.attachConsole(restored, after::write);
            other.resume(restored);
            VmInfo end = other.awaitTermination(restored, 60_000);
            assertEquals(VmState.STOPPED, end.state(), end.toString());
            String tail = text(after);
            assertTrue(tail.length() <= expected.length() - 10, "restored mid-run: " + tail.length() + " characters");
            assertEquals(expected.substring(expected.length() - tail.length()), tail,
                    "the restored VM prints the rest of the uninterrupted run, checksum included");
        }
    }

    @Test
    void aPausedVmSavedLiveStaysPausedAndRestoresLikeAStopAndSave() throws Exception {
        Path elf = ToyPrograms.memoryWriter(dir, 2_000, 64);
        withToy(mgr, new ToyArchitecture());
        int id = mgr.create(VmConfig.of("test", MEM, 1, elf));
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        mgr.attachConsole(id, before::write);
        mgr.start(id);
        Await.until("VM " + id + " printing 5 rounds", () -> before.size() >= 5, Duration.ofSeconds(20),
                () -> before.size() + " characters, " + mgr.info(id));
        mgr.pause(id);
        Path live = dir.resolve("live.pvsnap");
        Path plain = dir.resolve("plain.pvsnap");
        LiveSaveResult result = mgr.saveLive(id, live);
        assertEquals(VmState.PAUSED, mgr.info(id).state(), "a paused VM stays paused");
        assertEquals(0, result.finalPauseNanos(), "nothing was running, so nothing was paused: " + result);
        assertEquals(0, result.finalPages(), "a paused guest dirties nothing: " + result);
        mgr.saveSnapshot(id, plain);
        String printed = text(before);
        mgr.destroy(id);
        String[] outputs = new String[2];
        for (int i = 0; i < 2; i++) {
            try (VmManagerImpl other = withToy(VmManagerImpl.create(), new ToyArchitecture())) {
                int restored = other.restoreSnapshot(i == 0 ? live : plain);
                ByteArrayOutputStream after = new ByteArrayOutputStream();
                other.attachConsole(restored, after::write);
                other.resume(restored);
                assertEquals(VmState.STOPPED, other.awaitTermination(restored, 60_000).state());
                outputs[i] = printed + text(after);
            }
        }
        assertEquals(outputs[1], outputs[0], "live and stop-and-save snapshots of a paused VM restore alike");
        assertTrue(outputs[0].endsWith("done\n"), outputs[0]);
    }

    @Test
    void aMachineWithoutADirtyLogIsRefusedWithWhatIsMissingAndNoFile() throws Exception {
        Path elf = ToyPrograms.memoryWriter(dir, 1_000_000, 16);
        withToy(mgr, new ToyArchitecture(1, false));
        int id = mgr.create(VmConfig.of("test", MEM, 1, elf));
        mgr.start(id);
        Path snap = dir.resolve("never.pvsnap");
        String msg = assertThrows(VmException.class, () -> mgr.saveLive(id, snap)).getMessage();
        assertTrue(msg.contains("VM " + id) && msg.contains("no dirty-page log")
                && msg.contains("test dirty logging switched off in this instance") && msg.contains("pv:save ID FILE"),
                msg);
        assertFalse(Files.exists(snap), "a refused save writes nothing");
        assertEquals(VmState.RUNNING, mgr.info(id).state(), "and leaves the VM running");
    }
}
