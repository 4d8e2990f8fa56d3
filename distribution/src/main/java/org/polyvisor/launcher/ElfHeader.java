package org.polyvisor.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads just enough of an ELF header to fail early with a clear message and to find its e_machine, which the
 * installed architectures are matched against.
 */
final class ElfHeader {
    private ElfHeader() {
    }

    /**
     * The processor family of an e_machine value (System V ABI, "ELF Header", e_machine), for messages: the launcher
     * names what an image needs even when no installed architecture boots it. Empty for values not listed.
     */
    static String machineName(int machine) {
        return switch (machine) {
            case 2 -> "SPARC";
            case 3 -> "x86";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC 64-bit";
            case 40 -> "ARM";
            case 62 -> "x86-64";
            case 183 -> "AArch64";
            case 243 -> "RISC-V";
            default -> "";
        };
    }

    /** Checks the file is a readable ELF and returns its e_machine. */
    static int machine(Path file) {
        if (!Files.exists(file)) {
            throw new Main.UserException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new Main.UserException(file + ": not a regular file");
        }
        byte[] h;
        try (InputStream in = Files.newInputStream(file)) {
            h = in.readNBytes(20);
        } catch (IOException e) {
            throw new Main.UserException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (h.length < 4 || h[0] != 0x7F || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
            throw new Main.UserException(file + ": not an ELF file (bad magic number)");
        }
        if (h.length < 20) {
            throw new Main.UserException(file + ": not a valid ELF file (truncated header, " + h.length + " bytes)");
        }
        int lo;
        int hi;
        switch (h[5]) {
            case 1 -> { lo = h[18] & 0xFF; hi = h[19] & 0xFF; }
            case 2 -> { lo = h[19] & 0xFF; hi = h[18] & 0xFF; }
            default -> throw new Main.UserException(file + ": not a valid ELF file (bad EI_DATA byte " + h[5] + ")");
        }
        return hi << 8 | lo;
    }
}
