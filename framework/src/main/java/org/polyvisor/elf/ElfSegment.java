package org.polyvisor.elf;

import java.util.Arrays;

/**
 * One PT_LOAD segment.
 *
 * @param physicalAddress p_paddr: where the reference machines (QEMU -kernel) load it
 * @param virtualAddress  p_vaddr
 * @param data            the p_filesz bytes from the file
 * @param memorySize      p_memsz; bytes beyond the data are zero (.bss)
 * @param flags           p_flags (PF_X 1, PF_W 2, PF_R 4)
 */
public record ElfSegment(long physicalAddress, long virtualAddress, byte[] data, long memorySize, int flags) {
    /** Copies the data, so the segment stays immutable. */
    public ElfSegment {
        data = data.clone();
    }

    /**
     * The p_filesz bytes from the file.
     *
     * @return a copy, so callers cannot change the segment
     */
    @Override
    public byte[] data() {
        return data.clone();
    }

    int length() {
        return data.length;
    }

    byte[] rawData() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElfSegment s && s.physicalAddress == physicalAddress && s.virtualAddress == virtualAddress
                && s.memorySize == memorySize && s.flags == flags && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(physicalAddress) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "segment [0x" + Long.toHexString(physicalAddress) + "..0x"
                + Long.toHexString(physicalAddress + memorySize - 1) + "] " + data.length + " bytes from file";
    }
}
