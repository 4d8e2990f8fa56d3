package org.polyvisor.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmException;

/**
 * A VM's RAM. Slots are backed by off-heap chunks of {@value #CHUNK_SIZE} bytes that are allocated on first touch,
 * so a 4 GiB guest that touches 10 MiB holds about 10 MiB. Every access is bounds-checked by
 * {@link MemorySegment}, so a guest can never reach host memory outside its own.
 *
 * <p>Addresses here are raw {@code long} guest physical addresses on purpose: this class is the CPU models' hot path
 * (TLB refills, loads, stores), and the address kind is fixed by the class itself.
 *
 * <p>Fast path: {@link #chunk(long)} returns the backing segment of the chunk holding an address (CPU models cache it
 * in their software TLB) and {@code address & CHUNK_MASK} is the offset in it. Slow path: the endian-aware
 * {@link #read}/{@link #write} accessors, which also handle accesses that cross chunk boundaries.
 */
public final class GuestMemory implements AutoCloseable {
    /** log2 of the chunk size (64 KiB), which is also the alignment slots need. */
    public static final int CHUNK_SHIFT = 16;
    /** Bytes per chunk, the unit of lazy allocation and of {@link #chunk(long)}. */
    public static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    /** {@code gpa & CHUNK_MASK} is an address's offset in its chunk. */
    public static final long CHUNK_MASK = CHUNK_SIZE - 1;

    private static final ValueLayout.OfShort S_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort S_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong L_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong L_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final AtomicLong resident = new AtomicLong();
    private final Object slotLock = new Object();
    /** Sorted by base; replaced as a whole (copy on write) so readers never lock. */
    private volatile Region[] regions = new Region[0];
    private volatile boolean closed;

    /** Memory without slots; a machine adds its RAM with {@link #addSlot}. */
    public GuestMemory() {
        // the arena and the empty slot table are field initialisers
    }

    private static final class Region {
        final MemorySlot slot;
        final long base;
        final long size;
        final AtomicReferenceArray<MemorySegment> chunks;

        Region(MemorySlot slot) {
            this.slot = slot;
            this.base = slot.base().value();
            this.size = slot.size();
            this.chunks = new AtomicReferenceArray<>((int) ((size + CHUNK_SIZE - 1) >>> CHUNK_SHIFT));
        }
    }

    /**
     * Adds a slot, like KVM_SET_USER_MEMORY_REGION. The base and size must be 64 KiB aligned (the chunk size);
     * overlapping another slot, or reusing a slot id with other parameters, is rejected with an error that names both.
     * Declaring a slot that exists with exactly the same parameters is accepted and changes nothing: a machine built
     * for an existing VM (after a swap of its architecture, or a restore) finds its RAM already there, contents kept.
     *
     * @param id       slot number, unique within the VM
     * @param base     first guest physical address, 64 KiB aligned
     * @param size     bytes, a non-zero multiple of 64 KiB
     * @param readOnly whether guest writes fault (ROM, flash)
     * @throws VmException if the slot is misaligned, wraps, overlaps another slot or reuses an id
     */
    public void addSlot(int id, GuestPhysicalAddress base, long size, boolean readOnly) {
        if (size <= 0 || (size & CHUNK_MASK) != 0 || (base.value() & CHUNK_MASK) != 0) {
            throw new VmException("memory slot " + id + " at " + base + " size 0x" + Long.toHexString(size)
                    + ": base and size must be non-zero multiples of 64 KiB");
        }
        if (base.value() < 0 || base.value() + size < 0) {
            throw new VmException("memory slot " + id + " at " + base + " wraps the 63-bit guest physical space");
        }
        MemorySlot slot = new MemorySlot(id, base, size, readOnly);
        synchronized (slotLock) {
            checkOpen();
            for (Region r : regions) {
                if (r.slot.equals(slot)) {
                    return;
                }
                if (r.slot.id() == id) {
                    throw new VmException("memory slot id " + id + " is already used by " + r.slot);
                }
                if (base.value() < r.base + r.size && r.base < base.value() + size) {
                    throw new VmException("memory " + slot + " overlaps " + r.slot);
                }
            }
            Region[] next = Arrays.copyOf(regions, regions.length + 1);
            next[next.length - 1] = new Region(slot);
            Arrays.sort(next, Comparator.comparingLong(r -> r.base));
            regions = next;
        }
    }

    /**
     * Removes a slot; its chunks are released when the memory is closed.
     *
     * @param id the slot number; an unknown id changes nothing
     */
    public void removeSlot(int id) {
        synchronized (slotLock) {
            regions = Arrays.stream(regions).filter(r -> r.slot.id() != id).toArray(Region[]::new);
        }
    }

    /**
     * The RAM layout, for loaders and error messages.
     *
     * @return a copy of the slots, in ascending base order
     */
    public List<MemorySlot> slots() {
        List<MemorySlot> out = new ArrayList<>();
        for (Region r : regions) {
            out.add(r.slot);
        }
        return out;
    }

    /**
     * Whether a slot covers the address (everything else is MMIO or unbacked).
     *
     * @param gpa a guest physical address
     * @return true if the address is RAM
     */
    public boolean isRam(long gpa) {
        return region(gpa) != null;
    }

    /**
     * Whether the slot covering the address is read-only.
     *
     * @param gpa a guest physical address
     * @return true if a read-only slot covers it; false for writable RAM and for addresses that are not RAM
     */
    public boolean isReadOnly(long gpa) {
        Region r = region(gpa);
        return r != null && r.slot.readOnly();
    }

    /**
     * Host memory actually allocated for this guest: the chunks it has touched.
     *
     * @return bytes
     */
    public long residentBytes() {
        return resident.get();
    }

    /**
     * The guest's RAM size as configured, touched or not.
     *
     * @return the sum of all slot sizes in bytes
     */
    public long totalBytes() {
        long t = 0;
        for (Region r : regions) {
            t += r.size;
        }
        return t;
    }

    /**
     * The backing segment of the chunk that holds {@code gpa}, allocated on first use, or null if the address is
     * not RAM. The segment is exactly {@value #CHUNK_SIZE} bytes; index it with {@code gpa & CHUNK_MASK}.
     *
     * @param gpa any guest physical address in the chunk
     * @return the chunk's segment, or null if no slot covers {@code gpa}
     */
    public MemorySegment chunk(long gpa) {
        Region r = region(gpa);
        if (r == null) {
            return null;
        }
        int index = (int) ((gpa - r.base) >>> CHUNK_SHIFT);
        MemorySegment seg = r.chunks.get(index);
        return seg != null ? seg : allocate(r, index);
    }

    /**
     * Like {@link #chunk} but never allocates: an untouched chunk reads as zeros and returns null here.
     *
     * @param gpa any guest physical address in the chunk
     * @return the chunk's segment, or null if it is not allocated or not RAM
     */
    public MemorySegment chunkIfAllocated(long gpa) {
        Region r = region(gpa);
        if (r == null) {
            return null;
        }
        return r.chunks.get((int) ((gpa - r.base) >>> CHUNK_SHIFT));
    }

    private MemorySegment allocate(Region r, int index) {
        synchronized (r) {
            MemorySegment seg = r.chunks.get(index);
            if (seg == null) {
                checkOpen();
                seg = arena.allocate(CHUNK_SIZE, 4096); // zero-filled, like fresh RAM in the reference machines
                r.chunks.set(index, seg);
                resident.addAndGet(CHUNK_SIZE);
            }
            return seg;
        }
    }

    private Region region(long gpa) {
        for (Region r : regions) {
            if (gpa - r.base >= 0 && gpa - r.base < r.size) {
                return r;
            }
        }
        return null;
    }

    // ---- slow path: endian-aware accessors ----

    /**
     * Reads 1, 2, 4 or 8 bytes, zero-extended. Accesses may be unaligned and may cross chunks.
     *
     * @param gpa   guest physical address of the first byte
     * @param size  1, 2, 4 or 8
     * @param order the guest's byte order for this access
     * @return the value, zero-extended to 64 bits
     * @throws MemoryAccessException if a byte of the access is not RAM
     */
    public long read(long gpa, int size, ByteOrder order) {
        MemorySegment seg = chunk(gpa);
        long off = gpa & CHUNK_MASK;
        if (seg == null) {
            throw new MemoryAccessException(gpa, size, "read");
        }
        if (off + size <= CHUNK_SIZE) {
            boolean be = order == ByteOrder.BIG_ENDIAN;
            return switch (size) {
                case 1 -> seg.get(ValueLayout.JAVA_BYTE, off) & 0xFFL;
                case 2 -> (be ? seg.get(S_BE, off) : seg.get(S_LE, off)) & 0xFFFFL;
                case 4 -> (be ? seg.get(I_BE, off) : seg.get(I_LE, off)) & 0xFFFF_FFFFL;
                case 8 -> be ? seg.get(L_BE, off) : seg.get(L_LE, off);
                default -> throw new IllegalArgumentException("access size " + size);
            };
        }
        byte[] b = new byte[size];
        readBytes(gpa, b, 0, size);
        long v = 0;
        for (int i = 0; i < size; i++) {
            int idx = order == ByteOrder.BIG_ENDIAN ? i : size - 1 - i;
            v = (v << 8) | (b[idx] & 0xFF);
        }
        return v;
    }

    /**
     * Writes the low 1, 2, 4 or 8 bytes of {@code value}. Accesses may be unaligned and may cross chunks.
     *
     * @param gpa   guest physical address of the first byte
     * @param size  1, 2, 4 or 8
     * @param value the value; bytes above {@code size} are ignored
     * @param order the guest's byte order for this access
     * @throws MemoryAccessException if a byte of the access is not RAM
     */
    public void write(long gpa, int size, long value, ByteOrder order) {
        MemorySegment seg = chunk(gpa);
        long off = gpa & CHUNK_MASK;
        if (seg == null) {
            throw new MemoryAccessException(gpa, size, "write");
        }
        if (off + size <= CHUNK_SIZE) {
            boolean be = order == ByteOrder.BIG_ENDIAN;
            switch (size) {
                case 1 -> seg.set(ValueLayout.JAVA_BYTE, off, (byte) value);
                case 2 -> seg.set(be ? S_BE : S_LE, off, (short) value);
                case 4 -> seg.set(be ? I_BE : I_LE, off, (int) value);
                case 8 -> seg.set(be ? L_BE : L_LE, off, value);
                default -> throw new IllegalArgumentException("access size " + size);
            }
            return;
        }
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            int idx = order == ByteOrder.BIG_ENDIAN ? size - 1 - i : i;
            b[idx] = (byte) (value >>> (8 * i));
        }
        writeBytes(gpa, b, 0, size);
    }

    /**
     * Copies guest memory into a byte array (loaders, snapshots, tests).
     *
     * @param gpa    guest physical address of the first byte
     * @param dst    destination array
     * @param offset first index written in {@code dst}
     * @param length bytes to copy
     * @throws MemoryAccessException at the first byte that is not RAM
     */
    public void readBytes(long gpa, byte[] dst, int offset, int length) {
        int done = 0;
        while (done < length) {
            long a = gpa + done;
            MemorySegment seg = chunk(a);
            if (seg == null) {
                throw new MemoryAccessException(a, length - done, "read");
            }
            int off = (int) (a & CHUNK_MASK);
            int n = Math.min(length - done, CHUNK_SIZE - off);
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, dst, offset + done, n);
            done += n;
        }
    }

    /**
     * Copies a byte array into guest memory (loaders, restores, tests); read-only slots are written too, since this
     * is the host's access, not the guest's.
     *
     * @param gpa    guest physical address of the first byte
     * @param src    source array
     * @param offset first index read in {@code src}
     * @param length bytes to copy
     * @throws MemoryAccessException at the first byte that is not RAM
     */
    public void writeBytes(long gpa, byte[] src, int offset, int length) {
        int done = 0;
        while (done < length) {
            long a = gpa + done;
            MemorySegment seg = chunk(a);
            if (seg == null) {
                throw new MemoryAccessException(a, length - done, "write");
            }
            int off = (int) (a & CHUNK_MASK);
            int n = Math.min(length - done, CHUNK_SIZE - off);
            MemorySegment.copy(src, offset + done, seg, ValueLayout.JAVA_BYTE, off, n);
            done += n;
        }
    }

    /**
     * Fills {@code length} bytes with zero (ELF .bss); untouched chunks stay unallocated.
     *
     * @param gpa    guest physical address of the first byte
     * @param length bytes to clear
     */
    public void zero(long gpa, long length) {
        long done = 0;
        while (done < length) {
            long a = gpa + done;
            if (!isRam(a)) {
                throw new MemoryAccessException(a, (int) Math.min(Integer.MAX_VALUE, length - done), "zero");
            }
            int off = (int) (a & CHUNK_MASK);
            long n = Math.min(length - done, CHUNK_SIZE - off);
            MemorySegment seg = chunkIfAllocated(a);
            if (seg != null) {
                seg.asSlice(off, n).fill((byte) 0);
            }
            done += n;
        }
    }

    /**
     * Calls the visitor for every allocated chunk (snapshots write only what the guest touched).
     *
     * @param visitor called once per chunk, in ascending address order
     */
    public void forEachAllocatedChunk(ChunkVisitor visitor) {
        for (Region r : regions) {
            for (int i = 0; i < r.chunks.length(); i++) {
                MemorySegment seg = r.chunks.get(i);
                if (seg != null) {
                    visitor.visit(r.base + ((long) i << CHUNK_SHIFT), seg);
                }
            }
        }
    }

    /** Receives allocated chunks. */
    @FunctionalInterface
    public interface ChunkVisitor {
        /**
         * One allocated chunk.
         *
         * @param gpa   guest physical address of the chunk's first byte
         * @param chunk its {@value GuestMemory#CHUNK_SIZE} bytes, valid until the memory is closed
         */
        void visit(long gpa, MemorySegment chunk);
    }

    private void checkOpen() {
        if (closed) {
            throw new VmException("guest memory is closed (VM destroyed)");
        }
    }

    /** Frees all host memory. Any later access fails with an IllegalStateException from the segment. */
    @Override
    public void close() {
        synchronized (slotLock) {
            if (!closed) {
                closed = true;
                regions = new Region[0];
                arena.close();
            }
        }
    }
}
