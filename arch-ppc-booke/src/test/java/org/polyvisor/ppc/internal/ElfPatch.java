package org.polyvisor.ppc.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.polyvisor.elf.ElfImage;

/** Writes a copy of a big-endian ELF32 with words patched at a symbol (benchmark sizes, random instruction blocks). */
public final class ElfPatch {
    private ElfPatch() {
    }

    /** File offset of a virtual address, from the program headers. */
    static int fileOffset(byte[] elf, long vaddr) {
        ByteBuffer b = ByteBuffer.wrap(elf);
        int phoff = b.getInt(0x1C);
        int phentsize = b.getShort(0x2A) & 0xFFFF;
        int phnum = b.getShort(0x2C) & 0xFFFF;
        for (int i = 0; i < phnum; i++) {
            int p = phoff + i * phentsize;
            int offset = b.getInt(p + 4);
            long va = b.getInt(p + 8) & 0xFFFF_FFFFL;
            long filesz = b.getInt(p + 16) & 0xFFFF_FFFFL;
            if (b.getInt(p) == 1 && vaddr >= va && vaddr < va + filesz) {
                return (int) (offset + vaddr - va);
            }
        }
        throw new IllegalArgumentException("address 0x" + Long.toHexString(vaddr) + " is not in a loaded file segment");
    }

    public static Path patch(Path elf, String symbol, int[] words, Path out) throws IOException {
        byte[] bytes = Files.readAllBytes(elf);
        long addr = ElfImage.read(elf).symbol(symbol).orElseThrow(() -> new IllegalArgumentException("no symbol " + symbol));
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int off = fileOffset(bytes, addr);
        for (int i = 0; i < words.length; i++) {
            b.putInt(off + 4 * i, words[i]);
        }
        Files.write(out, bytes);
        return out;
    }
}
