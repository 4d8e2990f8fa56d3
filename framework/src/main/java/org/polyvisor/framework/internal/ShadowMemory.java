package org.polyvisor.framework.internal;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

import org.polyvisor.memory.GuestMemory;

/**
 * The live save's copy of guest RAM, filled while the VM runs (the "destination" of QEMU's pre-copy migration): a
 * sparse map of {@value GuestMemory#CHUNK_SIZE}-byte chunks in guest physical address order, so the snapshot file is
 * written from it in the same layout as a stop-and-save writes from the guest memory itself. A range copied while
 * the guest writes it may be torn; the dirty log reports such a page again and the next round copies it again.
 */
final class ShadowMemory {
    private final GuestMemory memory;
    private final Map<Long, byte[]> chunks = new TreeMap<>();

    ShadowMemory(GuestMemory memory) {
        this.memory = memory;
    }

    /** Copies every chunk the guest has touched so far (round 0). Returns the bytes copied. */
    long copyAllocated() {
        long[] bytes = {0};
        memory.forEachAllocatedChunk((gpa, seg) -> {
            MemorySegment.copy(seg, 0, MemorySegment.ofArray(shadowChunk(gpa)), 0, GuestMemory.CHUNK_SIZE);
            bytes[0] += GuestMemory.CHUNK_SIZE;
        });
        return bytes[0];
    }

    /**
     * Copies {@code length} bytes from {@code gpa}, chunk by chunk; a chunk the guest never touched has no backing
     * yet and reads as zero, so there is nothing to copy.
     */
    void copy(long gpa, long length) {
        long end = gpa + length;
        for (long a = gpa; a < end; ) {
            long off = a & GuestMemory.CHUNK_MASK;
            long n = Math.min(end - a, GuestMemory.CHUNK_SIZE - off);
            MemorySegment src = memory.chunkIfAllocated(a);
            if (src != null) {
                MemorySegment.copy(src, off, MemorySegment.ofArray(shadowChunk(a)), off, n);
            }
            a += n;
        }
    }

    private byte[] shadowChunk(long gpa) {
        return chunks.computeIfAbsent(gpa & ~GuestMemory.CHUNK_MASK, k -> new byte[GuestMemory.CHUNK_SIZE]);
    }

    /** Every copied chunk, in ascending address order, as {@link GuestMemory#forEachAllocatedChunk} visits them. */
    void forEachChunk(GuestMemory.ChunkVisitor visitor) {
        chunks.forEach((gpa, bytes) -> visitor.visit(gpa, MemorySegment.ofArray(bytes)));
    }

    /** Host bytes the copy holds. */
    long bytes() {
        return (long) chunks.size() * GuestMemory.CHUNK_SIZE;
    }
}
