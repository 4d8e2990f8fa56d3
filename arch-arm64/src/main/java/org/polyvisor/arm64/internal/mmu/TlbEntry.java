package org.polyvisor.arm64.internal.mmu;

import java.lang.foreign.MemorySegment;

/**
 * One software-TLB entry: a 4 KiB VA page mapped to RAM. One object per entry keeps the tag, the backing chunk and
 * the offsets on one cache line, so a hit costs one array load. Plain final fields (not a record) so the fast
 * paths read them directly.
 */
final class TlbEntry {
    /** Matches no address (a VA page number is at most 52 bits). */
    static final TlbEntry NONE = new TlbEntry(-1, null, 0, -1);

    /** VA page number (va >>> 12). */
    final long vpn;
    /** The 64 KiB guest-memory chunk holding the page. */
    final MemorySegment seg;
    /** Offset of the page in the chunk. */
    final long off;
    /** Physical address of the page. */
    final long pa;

    TlbEntry(long vpn, MemorySegment seg, long off, long pa) {
        this.vpn = vpn;
        this.seg = seg;
        this.off = off;
        this.pa = pa;
    }
}
