package org.polyvisor.ppc.internal.machine;

import java.nio.ByteBuffer;

import org.polyvisor.elf.ElfImage;
import org.polyvisor.elf.ElfSegment;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.mmu.Mas;

/**
 * The boot state QEMU's ppce500 gives a bare ELF (hw/ppc/e500.c ppce500_cpu_reset and
 * mmubooke_create_initial_mapping): r1 = 16 MiB - 8, r3 = device tree address, r6 = ePAPR magic, r7 = size of the
 * initial mapping, and TLB1[0] mapping that size 1:1 from 0 with all permissions.
 */
public record BootState(int entry, int r1, int dtBase, int r6, int mapSize, int tlb1Mas1) {
    public static final int EPAPR_MAGIC = 0x4550_4150;
    static final long DTC_LOAD_PAD = 0x180_0000L;
    static final long DTC_PAD_MASK = 0xF_FFFFL;
    /** Size reserved for the (minimal) device tree when sizing the initial mapping. */
    static final long DT_SIZE = 0x1000;

    public static BootState of(ElfImage image) {
        long low = Long.MAX_VALUE;
        long high = 0;
        for (ElfSegment s : image.segments()) {
            low = Math.min(low, s.physicalAddress());
            high = Math.max(high, s.physicalAddress() + s.memorySize());
        }
        if (low == Long.MAX_VALUE) {
            low = 0;
        }
        long dtBase = (high + DTC_LOAD_PAD) & ~DTC_PAD_MASK;
        long end = (dtBase + DT_SIZE) >>> 10;
        int tsize = 63 - Long.numberOfLeadingZeros(end) + 1;
        tsize += tsize & 1; // e500 v1 MMUs only take even (4^n KiB) sizes
        int mapSize = (int) Math.min(1L << (10 + tsize), 1L << 30);
        return new BootState((int) image.entry(), 16 * 1024 * 1024 - 8, (int) dtBase, EPAPR_MAGIC, mapSize,
                Mas.MAS1_V | (tsize << Mas.MAS1_TSIZE_SHIFT));
    }

    /** Writes an empty flattened device tree (header, root node, no properties) at dtBase if it is RAM. */
    public void writeDeviceTree(GuestMemory memory) {
        if (!memory.isRam(dtBase) || !memory.isRam(dtBase + 0x60)) {
            return;
        }
        int[] words = {
            0xd00d_feed, 0x48, 0x38, 0x48, 0x28, 17, 16, 0, 0, 0x10, // header: magic .. size_dt_struct
            0, 0, 0, 0, // memory reservation map terminator (two u64 zeros)
            1, 0, 2, 9, // FDT_BEGIN_NODE "", FDT_END_NODE, FDT_END
        };
        ByteBuffer b = ByteBuffer.allocate(words.length * 4);
        for (int w : words) {
            b.putInt(w);
        }
        memory.writeBytes(dtBase, b.array(), 0, words.length * 4);
    }
}
