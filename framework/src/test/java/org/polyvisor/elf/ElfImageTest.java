package org.polyvisor.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.memory.GuestMemory;

class ElfImageTest {
    /** A minimal valid ELF32 big-endian executable (PowerPC) with one segment and a section table. */
    static byte[] ppcElf(byte[] code, long paddr, long memsz) {
        int eh = 52;
        int ph = 32;
        int sh = 40;
        byte[] names = "\0.shstrtab\0".getBytes();
        int codeOff = eh + ph;
        int strOff = codeOff + code.length;
        int shOff = (strOff + names.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(shOff + 2 * sh).order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 2, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 20).putInt(1).putInt((int) paddr).putInt(eh).putInt(shOff);
        b.putInt(0).putShort((short) eh).putShort((short) ph).putShort((short) 1).putShort((short) sh)
                .putShort((short) 2).putShort((short) 1);
        b.putInt(1).putInt(codeOff).putInt((int) paddr).putInt((int) paddr).putInt(code.length).putInt((int) memsz)
                .putInt(5).putInt(4);
        b.put(code).put(names);
        b.position(shOff).put(new byte[sh]);
        b.putInt(1).putInt(3).putInt(0).putInt(0).putInt(strOff).putInt(names.length).putInt(0).putInt(0).putInt(1)
                .putInt(0);
        return b.array();
    }

    @Test
    void readsA32BitBigEndianImageAndLoadsItWithBssZeroed() {
        byte[] code = {0x38, 0x60, 0x00, 0x2A, 0x4E, (byte) 0x80, 0x00, 0x20};
        ElfImage img = ElfImage.parse(ppcElf(code, 0x10_0000, 0x2000), "test.elf");
        assertEquals(ElfImage.EM_PPC, img.machine());
        assertTrue(img.bigEndian());
        assertEquals(0x10_0000, img.entry());
        try (GuestMemory m = new GuestMemory()) {
            m.addSlot(0, GuestPhysicalAddress.of(0), 16 << 20, false);
            m.write(0x10_0010, 4, 0xFFFF_FFFFL, ByteOrder.BIG_ENDIAN);
            img.require(ElfImage.EM_PPC, false, true, "ppc").loadInto(m);
            assertEquals(0x3860_002AL, m.read(0x10_0000, 4, ByteOrder.BIG_ENDIAN));
            assertEquals(0, m.read(0x10_0010, 4, ByteOrder.BIG_ENDIAN), ".bss is zeroed");
        }
    }

    @Test
    void anImageForAnotherMachineIsRefusedNamingBoth() {
        ElfImage img = ElfImage.parse(ppcElf(new byte[8], 0x10_0000, 8), "guest.elf");
        ElfFormatException e = assertThrows(ElfFormatException.class,
                () -> img.require(ElfImage.EM_AARCH64, true, false, "arm64"));
        assertTrue(e.getMessage().contains("guest.elf") && e.getMessage().contains("arm64"), e.getMessage());
    }

    @Test
    void aSegmentOutsideRamIsRefusedWithItsAddress() {
        ElfImage img = ElfImage.parse(ppcElf(new byte[8], 0x8000_0000L, 8), "far.elf");
        try (GuestMemory m = new GuestMemory()) {
            m.addSlot(0, GuestPhysicalAddress.of(0), 16 << 20, false);
            ElfFormatException e = assertThrows(ElfFormatException.class, () -> img.loadInto(m));
            assertTrue(e.getMessage().contains("0x80000000"), e.getMessage());
        }
    }

    @Test
    void truncatedAndGarbageFilesGiveClearErrors() {
        byte[] good = ppcElf(new byte[8], 0x10_0000, 8);
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(new byte[10], "a"))
                .getMessage().contains("not an ELF"));
        byte[] cut = Arrays.copyOf(good, 60);
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(cut, "cut.elf")).getMessage()
                .startsWith("cut.elf: "));
        byte[] badClass = good.clone();
        badClass[4] = 9;
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfImage.parse(badClass, "c")).getMessage()
                .contains("class 9"));
    }

    /** Whatever bytes are flipped, reading either succeeds or fails with an ElfFormatException: never anything else. */
    @Property(tries = 2000)
    void corruptedImagesNeverThrowAnythingButElfFormatException(@ForAll @IntRange(min = 0, max = 143) int pos,
                                                                 @ForAll byte value, @ForAll @IntRange(min = 0, max = 143) int pos2,
                                                                 @ForAll byte value2) {
        byte[] b = ppcElf(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0x10_0000, 0x100);
        b[pos % b.length] = value;
        b[pos2 % b.length] = value2;
        try {
            ElfImage img = ElfImage.parse(b, "fuzz.elf");
            try (GuestMemory m = new GuestMemory()) {
                m.addSlot(0, GuestPhysicalAddress.of(0), 16 << 20, false);
                img.loadInto(m);
            }
        } catch (ElfFormatException e) {
            assertTrue(e.getMessage().startsWith("fuzz.elf: "), e.getMessage());
        }
    }
}
