package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.testarch.ToyIsa;
import org.polyvisor.testarch.ToyProgram;

/**
 * {@code pv:save --live} in a real Felix: a test-architecture guest that keeps rewriting 2 MiB of memory is saved
 * while it runs; it finishes with the output of an uninterrupted run, and so does the VM restored from the file. The
 * same for an arm64 guest rewriting 4 MiB (the dirty log is stage-2 write protection), against QEMU's output.
 */
class LiveSaveIT {
    static HotSwapSupport felix;

    @BeforeAll
    static void startFelix() throws Exception {
        felix = HotSwapSupport.start();
    }

    @AfterAll
    static void stopFelix() {
        if (felix != null) {
            felix.close();
        }
    }

    /** Rewrites one word in each of 512 pages per round and prints a letter of a hash over the values it wrote. */
    private static Path writerGuest(Path dir, int rounds) {
        return ToyProgram.builder()
                .li(1, 1).li(2, rounds).li(4, 31)
                .label("outer").li(3, 512).li(6, 0x1_0000)
                .label("inner").ldx(5, 6, 0).op(ToyIsa.MUL, 5, 4, 0).op(ToyIsa.ADD, 5, 1, 0).stx(5, 6, 0)
                .op(ToyIsa.ADD, 1, 5, 0).op(ToyIsa.MUL, 1, 4, 0).addi(1, 7)
                .addi(6, 4096).addi(3, -1).bnz(3, "inner")
                .li(5, 0).op(ToyIsa.ADD, 5, 1, 0).op(ToyIsa.SHR, 5, 0, 27).addi(5, 'A').out(5)
                .addi(2, -1).bnz(2, "outer")
                .print("\nend\n").halt(0)
                .writeTo(dir.resolve("live-writer-" + rounds + ".elf"));
    }

    private static int consoleLength(int vm) {
        try {
            return felix.gogo("pv:console " + vm).length();
        } catch (Exception e) {
            return 0;
        }
    }

    @Test
    void aRunningVmSavedLiveInTheShellFinishesAndRestoresWithTheUninterruptedOutput(@TempDir Path dir)
            throws Exception {
        Path image = writerGuest(dir, 20_000);
        String expected = felix.awaitStoppedAndConsole(felix.createAndStart("test", "4M", image), 120_000);
        assertTrue(expected.endsWith("end\n"), expected);

        int vm = felix.createAndStart("test", "4M", image);
        felix.waitFor("VM " + vm + " printing 10 characters", () -> consoleLength(vm) >= 10, 60_000);
        Path snap = dir.resolve("live.pvsnap");
        String saved = felix.gogo("pv:save --live " + vm + " " + snap);
        assertTrue(saved.contains("saved live to " + snap) && saved.contains("final pause"), saved);
        assertEquals("RUNNING", felix.state(vm), "still running after the live save: " + saved);
        assertEquals(expected, felix.awaitStoppedAndConsole(vm, 120_000), "the VM saved live runs on undisturbed");

        String restored = felix.gogo("pv:restore " + snap);
        int id = Integer.parseInt(restored.replaceAll("(?s).*VM (\\d+) restored.*", "$1"));
        felix.gogo("pv:resume " + id);
        String after = felix.awaitStoppedAndConsole(id, 120_000);
        assertTrue(after.length() <= expected.length() - 10, "restored mid-run: " + after);
        assertEquals(expected.substring(expected.length() - after.length()), after,
                "the restored VM prints the rest of the uninterrupted run");
        felix.gogo("pv:destroy " + vm);
        felix.gogo("pv:destroy " + id);
    }

    @Test
    void anArm64VmSavedLiveRunsOnAndItsRestoredCopyPrintsTheRestOfQemusOutput(@TempDir Path dir) throws Exception {
        String expected = Dist.golden("arm64/memwrite");
        int vm = felix.createAndStart("arm64", "128M", Dist.guest("arm64/memwrite"));
        felix.waitFor("VM " + vm + " printing 3 lines", () -> consoleLength(vm) >= 27, 60_000);
        Path snap = dir.resolve("arm64.pvsnap");
        String saved = felix.gogo("pv:save --live " + vm + " " + snap);
        assertTrue(saved.contains("saved live to " + snap) && saved.contains("final pause"), saved);
        assertFalse(saved.contains("Exception"), saved);
        assertEquals(expected, felix.awaitStoppedAndConsole(vm, 120_000), "the VM saved live runs on to QEMU's output");

        String restored = felix.gogo("pv:restore " + snap);
        int id = Integer.parseInt(restored.replaceAll("(?s).*VM (\\d+) restored.*", "$1"));
        felix.gogo("pv:resume " + id);
        String after = felix.awaitStoppedAndConsole(id, 120_000);
        assertTrue(after.length() < expected.length() && after.endsWith("memwrite done\n"), after);
        assertEquals(expected.substring(expected.length() - after.length()), after,
                "the restored VM prints the rest of QEMU's output, the checksum over all 4 MiB included");
        felix.gogo("pv:destroy " + vm);
        felix.gogo("pv:destroy " + id);
    }
}
