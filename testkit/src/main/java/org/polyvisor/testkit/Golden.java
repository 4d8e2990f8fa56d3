package org.polyvisor.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Golden-file comparison of console bytes: a guest's output must be byte-identical to QEMU's (or to the committed
 * {@code NAME.expected} file recorded from QEMU). A mismatch names the first differing offset and shows both sides
 * around it, with control characters escaped, instead of two long strings.
 */
public final class Golden {
    private static final int CONTEXT = 40;

    private Golden() {
    }

    /**
     * The committed expected output of a guest: {@code NAME.expected} next to {@code NAME.elf}.
     *
     * @param elf the guest's ELF file
     * @return the golden file's bytes; an {@link AssertionError} if there is none
     * @throws IOException if the golden file cannot be read
     */
    public static byte[] expected(Path elf) throws IOException {
        String name = elf.getFileName().toString();
        Path file = elf.resolveSibling(name.substring(0, name.length() - ".elf".length()) + ".expected");
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("no golden file " + file + " for " + elf);
        }
        return Files.readAllBytes(file);
    }

    /**
     * Fails unless {@code actual} equals {@code expected} byte for byte.
     *
     * @param expected the golden bytes (QEMU's output or the golden file)
     * @param actual   Polyvisor's console bytes
     * @param what     names the guest and the run in the failure message
     */
    public static void assertSameBytes(byte[] expected, byte[] actual, String what) {
        int at = Arrays.mismatch(expected, actual);
        if (at < 0) {
            return;
        }
        throw new AssertionError(what + ": output differs at byte " + at + " (expected " + expected.length
                + " bytes, got " + actual.length + ")\n  expected: ..." + around(expected, at) + "...\n  actual:   ..."
                + around(actual, at) + "...");
    }

    /**
     * The same for a console captured as an ISO-8859-1 string (one char per byte).
     *
     * @param expected the golden bytes
     * @param actual   the console as an ISO-8859-1 string
     * @param what     names the guest and the run in the failure message
     */
    public static void assertSameBytes(byte[] expected, String actual, String what) {
        assertSameBytes(expected, actual.getBytes(StandardCharsets.ISO_8859_1), what);
    }

    private static String around(byte[] b, int at) {
        int from = Math.max(0, at - CONTEXT);
        int to = Math.min(b.length, at + CONTEXT);
        return printable(Arrays.copyOfRange(b, from, to));
    }

    /**
     * Bytes as text with non-printable characters escaped, for failure messages.
     *
     * @param b the bytes
     * @return the text, for example {@code hello\n\x07}
     */
    public static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xFF;
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7F) {
                        sb.append(String.format("\\x%02x", c));
                    } else {
                        sb.append((char) c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
