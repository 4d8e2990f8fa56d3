package org.polyvisor.arm64.internal.machine.gic;

/**
 * The per-interrupt register banks that the distributor (SPIs) and the redistributors' SGI frame (SGIs, PPIs) share:
 * IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER, IPRIORITYR, ICFGR, at the same offsets in both frames.
 */
final class IrqRegisters {
    private IrqRegisters() {
    }

    /** Reads a bank register; {@code first}/{@code last} bound the INTIDs this frame owns. */
    static long read(GicV3 gic, int cpu, long off, int size, int first, int last) {
        if (off >= 0x400 && off < 0x800) { // IPRIORITYR: byte-accessible
            long v = 0;
            for (int b = 0; b < size; b++) {
                int id = (int) (off - 0x400) + b;
                if (id >= first && id <= last) {
                    v |= (long) gic.priority(cpu, id) << (8 * b);
                }
            }
            return v;
        }
        if (off >= 0xC00 && off < 0xD00) { // ICFGR: 2 bits per interrupt, bit 1 = edge
            int base = (int) (off - 0xC00) * 4;
            long v = 0;
            for (int i = 0; i < 16; i++) {
                int id = base + i;
                if (id >= first && id <= last && (gic.flags(cpu, id) & GicV3.EDGE) != 0) {
                    v |= 2L << (2 * i);
                }
            }
            return v;
        }
        int bit = bitFor(off);
        if (bit == 0) {
            return 0;
        }
        int base = (int) (off & 0x7F) * 8;
        long v = 0;
        for (int i = 0; i < 32; i++) {
            int id = base + i;
            if (id >= first && id <= last && (gic.flags(cpu, id) & bit) != 0) {
                v |= 1L << i;
            }
        }
        return v;
    }

    static void write(GicV3 gic, int cpu, long off, int size, long value, int first, int last) {
        if (off >= 0x400 && off < 0x800) {
            for (int b = 0; b < size; b++) {
                int id = (int) (off - 0x400) + b;
                if (id >= first && id <= last) {
                    gic.setPriority(cpu, id, (int) (value >>> (8 * b)));
                }
            }
            return;
        }
        if (off >= 0xC00 && off < 0xD00) {
            int base = (int) (off - 0xC00) * 4;
            for (int i = 0; i < 16; i++) {
                int id = base + i;
                if (id >= Math.max(first, 16) && id <= last) { // SGIs are always edge
                    boolean edge = ((value >>> (2 * i + 1)) & 1) != 0;
                    gic.setFlags(cpu, id, edge ? GicV3.EDGE : 0, edge ? 0 : GicV3.EDGE);
                }
            }
            return;
        }
        int bit = bitFor(off);
        if (bit == 0) {
            return;
        }
        boolean setReg = off < 0x100 || ((off >>> 7) & 1) == 0; // ISxxx at 0x100/0x200/0x300, ICxxx at +0x80
        int base = (int) (off & 0x7F) * 8;
        for (int i = 0; i < 32; i++) {
            int id = base + i;
            if (id < first || id > last) {
                continue;
            }
            boolean one = ((value >>> i) & 1) != 0;
            if (off < 0x100) { // IGROUPR: plain bit
                gic.setFlags(cpu, id, one ? GicV3.GROUP1 : 0, one ? 0 : GicV3.GROUP1);
            } else if (one) {
                gic.setFlags(cpu, id, setReg ? bit : 0, setReg ? 0 : bit);
            }
        }
    }

    private static int bitFor(long off) {
        if (off >= 0x80 && off < 0x100) {
            return GicV3.GROUP1;
        }
        if (off >= 0x100 && off < 0x200) {
            return GicV3.ENABLED;
        }
        if (off >= 0x200 && off < 0x300) {
            return GicV3.PENDING;
        }
        if (off >= 0x300 && off < 0x400) {
            return GicV3.ACTIVE;
        }
        return 0;
    }
}
