package org.polyvisor.elf;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.polyvisor.memory.GuestMemory;
import org.polyvisor.memory.MemorySlot;

/**
 * A loadable ELF image in neutral form.
 *
 * @param source    where it came from (for error messages)
 * @param machine   e_machine (183 = AArch64, 20 = PowerPC)
 * @param is64      ELFCLASS64
 * @param bigEndian ELFDATA2MSB
 * @param entry     e_entry
 * @param segments  PT_LOAD segments in file order
 * @param symbols   global and local symbol values by name (when the file has a symbol table)
 */
public record ElfImage(String source, int machine, boolean is64, boolean bigEndian, long entry,
                       List<ElfSegment> segments, Map<String, Long> symbols) {
    /** e_machine of 32-bit PowerPC (the e500mc guests). */
    public static final int EM_PPC = 20;
    /** e_machine of AArch64. */
    public static final int EM_AARCH64 = 183;

    /** Copies the segment list and symbol map, so the image stays immutable. */
    public ElfImage {
        segments = List.copyOf(segments);
        symbols = Map.copyOf(symbols);
    }

    /**
     * Reads and validates an ELF file.
     *
     * @param file the ELF file
     * @return the image
     * @throws ElfFormatException if the file cannot be read or is not a loadable ELF image
     */
    public static ElfImage read(Path file) {
        return ElfReader.read(file);
    }

    /**
     * Parses and validates ELF bytes.
     *
     * @param bytes  the whole file
     * @param source names the bytes in error messages (a file name, a resource)
     * @return the image
     * @throws ElfFormatException if the bytes are not a loadable ELF image
     */
    public static ElfImage parse(byte[] bytes, String source) {
        return ElfReader.parse(bytes, source);
    }

    /**
     * A symbol's value, for tests and tools that look up a guest's variables.
     *
     * @param name the symbol name
     * @return its value, or empty when the image has no such symbol (or no symbol table)
     */
    public OptionalLong symbol(String name) {
        Long v = symbols.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /**
     * Checks that the image is for the given machine, class and byte order, so that a wrong image fails with a
     * message instead of running garbage.
     *
     * @param expectedMachine   e_machine the architecture runs
     * @param expected64        whether the architecture needs ELFCLASS64
     * @param expectedBigEndian whether the architecture needs ELFDATA2MSB
     * @param archName          the architecture, named in the error message
     * @return this image
     * @throws ElfFormatException if any of the three does not match
     */
    public ElfImage require(int expectedMachine, boolean expected64, boolean expectedBigEndian, String archName) {
        if (machine != expectedMachine || is64 != expected64 || bigEndian != expectedBigEndian) {
            throw new ElfFormatException(source + ": ELF for machine " + machine + " (" + (is64 ? "64" : "32")
                    + "-bit, " + (bigEndian ? "big" : "little") + "-endian) cannot run on " + archName
                    + ", which needs machine " + expectedMachine + " (" + (expected64 ? "64" : "32") + "-bit, "
                    + (expectedBigEndian ? "big" : "little") + "-endian)");
        }
        return this;
    }

    /**
     * Copies every segment to its physical address and zeroes its .bss. A segment outside guest RAM is an error
     * that names the segment and the RAM slots.
     *
     * @param memory the VM's RAM
     * @throws ElfFormatException if a segment is not inside one RAM slot
     */
    public void loadInto(GuestMemory memory) {
        for (ElfSegment s : segments) {
            long end = s.physicalAddress() + s.memorySize();
            boolean covered = false;
            for (MemorySlot slot : memory.slots()) {
                if (slot.contains(s.physicalAddress()) && end <= slot.end()) {
                    covered = true;
                }
            }
            if (!covered) {
                throw new ElfFormatException(source + ": " + s + " is not inside guest RAM " + memory.slots());
            }
            memory.writeBytes(s.physicalAddress(), s.rawData(), 0, s.length());
            memory.zero(s.physicalAddress() + s.length(), s.memorySize() - s.length());
        }
    }
}
