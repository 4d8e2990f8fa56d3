package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.ppc.spi.BookeSpr;
import org.polyvisor.ppc.spi.BookeSprTable;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.Await;
import org.polyvisor.testkit.Golden;

/**
 * A feature's SPR table replaced by new revisions while featspr runs its read-increment-write loop on a contributed
 * SPR (each change rebuilds the machine at the framework's safe point), then removed (the VM waits, naming the
 * feature) and brought back (it continues). The loop's count at the end shows that no increment was lost across the
 * rebuilds: the SPR's value travels in the vCPU snapshot.
 */
class FeatureSprSwapTest {
    /**
     * Long enough that the loop is still running after the revisions on a fast, idle machine (each round is two
     * emulated moves, about 0.15 us: some 10 s; 4 million rounds ended in half a second on an idle CI machine).
     */
    private static final int ROUNDS = 64_000_000;

    /** Revision {@code rev} of the test feature, recording that it built a machine's vCPU. */
    private static BookeSprTable revision(int rev, Set<Integer> built) {
        return new TestSprFeature() {
            @Override
            public List<BookeSpr> registers() {
                built.add(rev);
                return super.registers();
            }

            @Override
            public String toString() {
                return "test-feature rev " + rev;
            }
        };
    }

    @Test
    void aRunningVmFollowsTheFeatureThroughRevisionsAndWaitsWhileItIsAway(@TempDir Path tmp) throws Exception {
        Path elf = ElfPatch.patch(GuestRun.elf("featspr"), "feat_rounds", new int[] {ROUNDS},
                tmp.resolve("featspr.elf"));
        Set<Integer> built = ConcurrentHashMap.newKeySet();
        PpcArchitecture arch = new PpcArchitecture();
        BookeSprTable[] current = {revision(1, built)};
        arch.addSprTable(current[0]);
        var run = GuestRun.runner(arch).run(elf, Duration.ofSeconds(300), (hv, id) -> {
            ConsoleCapture out = new ConsoleCapture();
            try (AutoCloseable c = hv.vms().attachConsole(id, out)) {
                // the console tail, not the capture: the guest may print "loop" before the capture is attached
                Await.until("the guest's loop", () -> tail(hv, id).contains("loop\n"), Duration.ofSeconds(60),
                        () -> "console " + tail(hv, id) + ", VM " + hv.vms().info(id));
                for (int rev = 2; rev <= 4; rev++) {
                    BookeSprTable next = revision(rev, built);
                    arch.addSprTable(next); // DS: the new revision registers next to the old one, which then leaves
                    arch.removeSprTable(current[0]);
                    current[0] = next;
                }
                assertEquals(VmState.RUNNING, hv.vms().info(id).state(),
                        "the loop finished before the feature left (console " + out.text() + ")");
                arch.removeSprTable(current[0]); // the feature goes away: the VM must wait for it
                VmInfo waiting = hv.vms().info(id);
                assertEquals(VmState.WAITING, waiting.state(), waiting.toString());
                assertTrue(waiting.error().contains("'test-feature', which is not installed"), waiting.error());
                arch.addSprTable(revision(5, built));
            }
        });
        assertEquals(VmState.STOPPED, run.info().state(), run.info().error());
        assertTrue(built.containsAll(Set.of(2, 3, 4, 5)), "revisions that built the VM's vCPU: " + built);
        String expected = Files.readString(GuestRun.elf("featspr").resolveSibling("featspr.expected"),
                StandardCharsets.US_ASCII).replace("720 after loop=000003e8", "720 after loop="
                + String.format("%08x", ROUNDS));
        Golden.assertSameBytes(expected.getBytes(StandardCharsets.US_ASCII), run.console(),
                "featspr through feature revisions");
    }

    private static String tail(StandaloneHypervisor hv, int id) {
        return new String(hv.vms().consoleTail(id), StandardCharsets.US_ASCII);
    }
}
