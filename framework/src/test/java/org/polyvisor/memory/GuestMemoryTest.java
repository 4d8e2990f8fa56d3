package org.polyvisor.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmException;

class GuestMemoryTest {
    @Test
    void aFourGibGuestThatTouchesTenMibHoldsAboutTenMib() {
        try (GuestMemory m = new GuestMemory()) {
            m.addSlot(0, GuestPhysicalAddress.of(0x4000_0000L), 4L << 30, false);
            java.util.Random r = new java.util.Random(1);
            java.util.Set<Long> chunks = new java.util.HashSet<>();
            while (chunks.size() < 160) { // 160 x 64 KiB = 10 MiB, scattered over the 4 GiB
                long a = 0x4000_0000L + (r.nextLong(4L << 30) & ~7L);
                m.write(a, 8, a, ByteOrder.LITTLE_ENDIAN);
                chunks.add(a >>> GuestMemory.CHUNK_SHIFT);
            }
            assertEquals(10L << 20, m.residentBytes());
            assertEquals(4L << 30, m.totalBytes());
        }
    }

    @Test
    void residentMemoryGrowsOnlyWithTouchedChunks() {
        try (GuestMemory m = new GuestMemory()) {
            m.addSlot(0, GuestPhysicalAddress.of(0), 4L << 30, false);
            assertEquals(0, m.residentBytes());
            for (long a = 0; a < 10 << 20; a += 4096) {
                m.write(a, 4, a, ByteOrder.BIG_ENDIAN);
            }
            assertEquals(10L << 20, m.residentBytes());
        }
    }

    @Test
    void overlappingSlotsAndReusedIdsAreRejectedNamingBoth() {
        try (GuestMemory m = new GuestMemory()) {
            m.addSlot(0, GuestPhysicalAddress.of(0x4000_0000L), 1 << 20, false);
            VmException e = assertThrows(VmException.class,
                    () -> m.addSlot(1, GuestPhysicalAddress.of(0x4008_0000L), 1 << 20, false));
            assertTrue(e.getMessage().contains("overlaps slot 0"), e.getMessage());
            assertThrows(VmException.class, () -> m.addSlot(0, GuestPhysicalAddress.of(0), 1 << 20, false));
            assertThrows(VmException.class, () -> m.addSlot(2, GuestPhysicalAddress.of(0x100), 1 << 20, false));
        }
    }

    @Test
    void redeclaringAnIdenticalSlotKeepsItsContents() {
        try (GuestMemory m = new GuestMemory()) {
            m.addSlot(0, GuestPhysicalAddress.of(0x4000_0000L), 1 << 20, false);
            m.write(0x4000_0100L, 8, 0x1122_3344_5566_7788L, ByteOrder.LITTLE_ENDIAN);
            m.addSlot(0, GuestPhysicalAddress.of(0x4000_0000L), 1 << 20, false); // a new machine after a swap
            assertEquals(0x1122_3344_5566_7788L, m.read(0x4000_0100L, 8, ByteOrder.LITTLE_ENDIAN));
            assertEquals(1, m.slots().size());
            assertThrows(VmException.class, () -> m.addSlot(0, GuestPhysicalAddress.of(0x4000_0000L), 2 << 20, false));
        }
    }

    @Test
    void accessesOutsideRamAreRefusedWithTheAddress() {
        try (GuestMemory m = new GuestMemory()) {
            m.addSlot(0, GuestPhysicalAddress.of(0x4000_0000L), 1 << 20, false);
            assertNull(m.chunk(0x0900_0000L));
            MemoryAccessException e = assertThrows(MemoryAccessException.class,
                    () -> m.read(0x4010_0000L, 4, ByteOrder.LITTLE_ENDIAN));
            assertTrue(e.getMessage().contains("0x40100000"), e.getMessage());
            // a read that starts in RAM and runs past its end is refused too
            assertThrows(MemoryAccessException.class, () -> m.read(0x400F_FFFEL, 4, ByteOrder.LITTLE_ENDIAN));
        }
    }

    @Property(tries = 300)
    void valuesRoundTripInBothByteOrdersAcrossChunkBoundaries(
            @ForAll @LongRange(min = 0, max = (1 << 20) - 8) long offset,
            @ForAll long value, @ForAll @IntRange(min = 0, max = 3) int sizeLog) {
        int size = 1 << sizeLog;
        long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
        try (GuestMemory m = new GuestMemory()) {
            m.addSlot(0, GuestPhysicalAddress.of(0x1000_0000L), 1 << 20, false);
            long a = 0x1000_0000L + offset;
            m.write(a, size, value, ByteOrder.BIG_ENDIAN);
            assertEquals(value & mask, m.read(a, size, ByteOrder.BIG_ENDIAN));
            assertEquals(Long.reverseBytes(value & mask) >>> (64 - 8 * size), m.read(a, size, ByteOrder.LITTLE_ENDIAN));
            m.write(a, size, value, ByteOrder.LITTLE_ENDIAN);
            byte[] b = new byte[size];
            m.readBytes(a, b, 0, size);
            assertEquals((byte) value, b[0], "little-endian stores the low byte first");
        }
    }
}
