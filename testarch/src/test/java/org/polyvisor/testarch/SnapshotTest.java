package org.polyvisor.testarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;
import org.polyvisor.testkit.Await;

/** Snapshot files: a VM saved mid-run and restored finishes with the output of an uninterrupted run. */
class SnapshotTest {
    @TempDir
    Path dir;
    private final VmManagerImpl mgr = VmManagerImpl.create();

    @AfterEach
    void close() {
        mgr.close();
    }

    private VmManagerImpl withToy(VmManagerImpl m) {
        m.addArchitecture(new ToyArchitecture());
        m.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        return m;
    }

    @Test
    void aVmSavedMidRunAndRestoredElsewhereFinishesWithIdenticalOutput() throws Exception {
        Path elf = ToyPrograms.checksum(dir, 3_000);
        String expected;
        try (VmManagerImpl ref = withToy(VmManagerImpl.create())) {
            expected = VmManagerTest.run(ref, ref.create(VmConfig.of("test", 1 << 20, 1, elf)));
        }
        withToy(mgr);
        int id = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        mgr.attachConsole(id, before::write);
        mgr.start(id);
        // mid-run: the guest printed some of its 3,000 letters, however fast the machine is
        Await.until("VM " + id + " printing 10 characters", () -> before.size() >= 10, Duration.ofSeconds(10),
                () -> before.size() + " characters, " + mgr.info(id));
        mgr.pause(id);
        Path snap = dir.resolve("vm.pvsnap");
        String summary = mgr.saveSnapshot(id, snap);
        assertTrue(summary.contains("saved"), summary);
        mgr.destroy(id);

        try (VmManagerImpl other = withToy(VmManagerImpl.create())) {
            int restored = other.restoreSnapshot(snap);
            assertEquals(VmState.PAUSED, other.info(restored).state());
            ByteArrayOutputStream after = new ByteArrayOutputStream();
            other.attachConsole(restored, after::write);
            other.resume(restored);
            VmInfo done = other.awaitTermination(restored, 30_000);
            assertEquals(VmState.STOPPED, done.state(), done.toString());
            assertEquals(expected, before.toString(StandardCharsets.ISO_8859_1) + after.toString(StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void corruptTruncatedAndForeignSnapshotsAreRefusedWithClearMessages() throws Exception {
        Path elf = ToyPrograms.checksum(dir, 1_000_000); // runs for seconds: still RUNNING when saved below
        withToy(mgr);
        int id = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
        Path snap = dir.resolve("vm.pvsnap");
        mgr.saveSnapshot(id, snap);
        byte[] good = Files.readAllBytes(snap);

        Path truncated = Files.write(dir.resolve("t.pvsnap"), Arrays.copyOf(good, good.length / 2));
        assertTrue(assertThrows(VmException.class, () -> mgr.restoreSnapshot(truncated)).getMessage()
                .contains("truncated"));
        byte[] flipped = good.clone();
        flipped[good.length - 20] ^= 0x55;
        Path corrupt = Files.write(dir.resolve("c.pvsnap"), flipped);
        String msg = assertThrows(VmException.class, () -> mgr.restoreSnapshot(corrupt)).getMessage();
        assertTrue(msg.contains("c.pvsnap"), msg);
        Path foreign = Files.write(dir.resolve("f.pvsnap"), "hello".getBytes());
        assertTrue(assertThrows(VmException.class, () -> mgr.restoreSnapshot(foreign)).getMessage()
                .contains("not a Polyvisor snapshot"));
        assertEquals(1, mgr.list().size(), "refused snapshots leave no VM behind");
        mgr.start(id);
        VmException running = assertThrows(VmException.class, () -> mgr.saveSnapshot(id, snap));
        assertTrue(running.getMessage().contains("pause it"), running.getMessage());
    }
}
