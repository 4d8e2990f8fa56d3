package org.polyvisor.elf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.fornwall.jelf.ElfFile;
import net.fornwall.jelf.ElfSymbol;
import net.fornwall.jelf.ElfSymbolTableSection;

/**
 * Reads ELF files with the jelf library and checks what jelf does not: that headers and segments lie inside the
 * file, sizes are consistent and nothing wraps. Every problem becomes an {@link ElfFormatException} naming the file.
 */
final class ElfReader {
    private static final int PT_LOAD = 1;
    private static final long MAX_FILE = 1L << 30;

    private ElfReader() {
    }

    static ElfImage read(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE) {
                throw new ElfFormatException(file + ": " + size + " bytes is larger than the 1 GiB image limit");
            }
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new ElfFormatException(file + ": cannot read image: " + e.getMessage(), e);
        }
    }

    static ElfImage parse(byte[] b, String source) {
        if (b.length < 52 || b[0] != 0x7F || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') {
            throw new ElfFormatException(source + ": not an ELF file (bad magic or shorter than an ELF header)");
        }
        if (b[4] != 1 && b[4] != 2) {
            throw new ElfFormatException(source + ": invalid ELF class " + b[4] + " at offset 4 (expected 1 or 2)");
        }
        if (b[5] != 1 && b[5] != 2) {
            throw new ElfFormatException(source + ": invalid ELF data encoding " + b[5] + " at offset 5");
        }
        ElfFile elf;
        try {
            elf = ElfFile.from(b);
        } catch (RuntimeException e) {
            throw new ElfFormatException(source + ": malformed ELF header: " + e.getMessage(), e);
        }
        if (elf.e_type != ElfFile.ET_EXEC) {
            throw new ElfFormatException(source + ": ELF type " + elf.e_type
                    + " is not a statically linked executable (ET_EXEC = 2)");
        }
        int phnum = elf.e_phnum & 0xFFFF;
        long phEnd = elf.e_phoff + (long) phnum * (elf.e_phentsize & 0xFFFF);
        if (phnum == 0 || elf.e_phoff <= 0 || phEnd > b.length || phEnd < elf.e_phoff) {
            throw new ElfFormatException(source + ": program header table (offset 0x" + Long.toHexString(elf.e_phoff)
                    + ", " + phnum + " entries) is missing or lies outside the " + b.length + "-byte file");
        }
        List<ElfSegment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            net.fornwall.jelf.ElfSegment ph;
            try {
                ph = elf.getProgramHeader(i);
            } catch (RuntimeException e) {
                throw new ElfFormatException(source + ": program header " + i + " is unreadable: " + e.getMessage(), e);
            }
            if (ph.p_type != PT_LOAD) {
                continue;
            }
            if (ph.p_offset < 0 || ph.p_filesz < 0 || ph.p_offset + ph.p_filesz > b.length
                    || ph.p_offset + ph.p_filesz < ph.p_offset) {
                throw new ElfFormatException(source + ": program header " + i + " data (offset 0x"
                        + Long.toHexString(ph.p_offset) + ", 0x" + Long.toHexString(ph.p_filesz)
                        + " bytes) lies outside the " + b.length + "-byte file");
            }
            if (ph.p_memsz < ph.p_filesz || ph.p_memsz > MAX_FILE * 4
                    || ph.p_paddr + ph.p_memsz < ph.p_paddr && ph.p_paddr + ph.p_memsz != 0) {
                throw new ElfFormatException(source + ": program header " + i + " has memory size 0x"
                        + Long.toHexString(ph.p_memsz) + " smaller than its file size 0x"
                        + Long.toHexString(ph.p_filesz) + " or wrapping the address space");
            }
            byte[] data = new byte[(int) ph.p_filesz];
            System.arraycopy(b, (int) ph.p_offset, data, 0, data.length);
            long paddr = elf.is32Bits() ? ph.p_paddr & 0xFFFF_FFFFL : ph.p_paddr;
            long vaddr = elf.is32Bits() ? ph.p_vaddr & 0xFFFF_FFFFL : ph.p_vaddr;
            segments.add(new ElfSegment(paddr, vaddr, data, ph.p_memsz, ph.p_flags));
        }
        if (segments.isEmpty()) {
            throw new ElfFormatException(source + ": no PT_LOAD segment: nothing to load");
        }
        long entry = elf.is32Bits() ? elf.e_entry & 0xFFFF_FFFFL : elf.e_entry;
        return new ElfImage(source, elf.e_machine & 0xFFFF, !elf.is32Bits(), elf.ei_data == ElfFile.DATA_MSB, entry,
                segments, symbols(elf));
    }

    /** Symbols are a convenience for tests and diagnostics: a broken symbol table is ignored, not fatal. */
    private static Map<String, Long> symbols(ElfFile elf) {
        Map<String, Long> out = new HashMap<>();
        try {
            ElfSymbolTableSection tab = elf.getSymbolTableSection();
            if (tab != null) {
                for (ElfSymbol s : tab.symbols) {
                    String name = s.getName();
                    if (name != null && !name.isEmpty()) {
                        out.putIfAbsent(name, elf.is32Bits() ? s.st_value & 0xFFFF_FFFFL : s.st_value);
                    }
                }
            }
        } catch (RuntimeException e) {
            out.clear();
        }
        return out;
    }
}
