package org.polyvisor.feature.spe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux perf reads what the unit writes: a buffer from a profiled loop (loads, stores, taken and not-taken branches,
 * PA, context and timestamp packets) wrapped in a perf.data file ({@link PerfData}) decodes with {@code perf report -D}
 * packet by packet, with no "Bad packet", and perf sees as many PC packets as {@link SpeDecoder} sees records.
 * Skipped, saying so, where perf (Debian's linux-perf) is not installed.
 */
class PerfInteropTest {
    private static final long BUF = SpeRig.RAM + 0x8_0000;
    private static final long DATA = SpeRig.RAM + 0x4_0000;

    private static boolean perfInstalled() {
        try {
            Process p = new ProcessBuilder("perf", "--version").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void perfDecodesEveryPacket(@TempDir Path dir) throws Exception {
        assumeTrue(perfInstalled(), "perf is not installed (Debian package linux-perf): the interop check is skipped");
        byte[] buffer;
        int length;
        try (SpeRig rig = new SpeRig().e2pb(Spe.E2PB_EL1_NO_TRAP)) {
            rig.set("PMBPTR_EL1", BUF).set("PMBLIMITR_EL1", (BUF + 0x4000) | Spe.PMBLIMITR_E)
                    .set("PMSIRR_EL1", (256L << Spe.PMSIRR_INTERVAL_SHIFT) | Spe.PMSIRR_RND)
                    .set("CONTEXTIDR_EL1", 0x42)
                    .set("PMSCR_EL1", Spe.PMSCR_E1SPE | Spe.PMSCR_PA | Spe.PMSCR_CX | Spe.PMSCR_TS);
            rig.loop(DATA, 3000);
            rig.msr("PMSCR_EL1", 31).hvc();
            rig.run();
            length = (int) (rig.reg("PMBPTR_EL1") - BUF);
            buffer = rig.read(BUF, length);
        }
        List<SpeDecoder.Record> records = SpeDecoder.decode(buffer, length);
        assertTrue(records.size() > 20, "records to decode: " + records.size());
        Path file = dir.resolve("spe.perf.data");
        Files.write(file, PerfData.wrap(buffer, length));

        Process p = new ProcessBuilder("perf", "report", "-D", "-i", file.toString()).redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "perf report did not finish within 60 s");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "perf report -D failed:\n" + text);
        assertTrue(text.contains("ARM SPE data: size"), "perf did not treat the AUX data as SPE:\n" + text);
        assertFalse(text.contains("Bad packet"), "perf could not decode a packet:\n" + text);
        long pcs = text.lines().filter(l -> l.matches(".*\\bPC 0x[0-9a-f]+ el1.*")).count();
        assertEquals(records.size(), pcs, "one PC packet per record, as perf decodes them");
        long timestamps = text.lines().filter(l -> l.matches(".*\\bTS [0-9]+.*")).count();
        assertEquals(records.size(), timestamps, "each record ends with a timestamp packet (PMSCR.TS)");
    }
}
