package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmException;

/** What an operator reads when a pv: command fails: what and where, never an exception class name. */
class ShellErrorsTest {
    @Test
    void vmExceptionsKeepTheirMessage() {
        assertEquals("no VM 7 (pv:list shows the VMs)",
                ShellErrors.describe(new VmException("no VM 7 (pv:list shows the VMs)")));
    }

    @Test
    void missingFilesAreNamed() {
        assertEquals("/tmp/x.pvsnap: no such file", ShellErrors.describe(new NoSuchFileException("/tmp/x.pvsnap")));
        assertEquals("/tmp/x.pvsnap: no such file",
                ShellErrors.unreadable(Path.of("/tmp/x.pvsnap"), new NoSuchFileException("/tmp/x.pvsnap")));
    }

    @Test
    void undecodableSnapshotsAreNotSnapshots() {
        String m = ShellErrors.unreadable(Path.of("vm.pvsnap"), new UTFDataFormatException("malformed input"));
        assertEquals("vm.pvsnap: not a Polyvisor snapshot (its contents do not decode: malformed input)", m);
        m = ShellErrors.unreadable(Path.of("vm.pvsnap"), new ZipException("invalid block type"));
        assertTrue(m.startsWith("vm.pvsnap: not a Polyvisor snapshot"), m);
    }

    @Test
    void noMessageNeverFallsBackToTheClassName() {
        String m = ShellErrors.describe(new NullPointerException());
        assertFalse(m.contains("NullPointerException"), m);
        assertEquals("interrupted before it finished (the framework is stopping?)",
                ShellErrors.describe(new InterruptedException()));
    }

    @Test
    void aFailingCommandPrintsOneLineOnStderrAndReturnsNothing() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertNull(ShellCommands.call("start", () -> {
                throw new VmException("no VM 7 (pv:list shows the VMs)");
            }));
        } finally {
            System.setErr(saved);
        }
        assertEquals("pv:start: no VM 7 (pv:list shows the VMs)", err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void aSnapshotWithGoodMagicButGarbageInsideIsNotASnapshot(@TempDir Path tmp) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(SnapshotFiles.MAGIC);
        bytes.write(new byte[] {0, 0, 0, 1}); // format version 1
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(new byte[] {0, 5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        }
        Path f = Files.write(tmp.resolve("flipped.pvsnap"), bytes.toByteArray());
        try {
            SnapshotFiles.architectureOf(f);
            throw new AssertionError("a corrupt snapshot was read");
        } catch (VmException e) {
            assertTrue(e.getMessage().startsWith(f + ": not a Polyvisor snapshot (its contents do not decode"),
                    e.getMessage());
        }
    }

    @Test
    void aCorruptSnapshotFileIsReportedByName(@TempDir Path tmp) throws IOException {
        Path f = Files.write(tmp.resolve("corrupt.pvsnap"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        try {
            SnapshotFiles.architectureOf(f);
            throw new AssertionError("a corrupt snapshot was read");
        } catch (VmException e) {
            assertTrue(e.getMessage().startsWith(f + ": not a Polyvisor snapshot"), e.getMessage());
        }
    }
}
