package org.polyvisor.arm64.internal.mmu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.polyvisor.memory.GuestMemory;

/**
 * The host machine's physical address space, as the PEs see it after stage 2: windows of RAM, each backed by a range
 * of some {@link GuestMemory} (a VM's RAM slot placed by the hypervisor at a host physical address of its choosing,
 * or the host's own memory, where the hypervisor keeps stage-2 table pages). Addresses no window covers are nothing:
 * a stage-2 walk that reads a descriptor there, or a leaf that points there, faults (ARM ARM D8, "External abort on a
 * translation table walk"); a guest can therefore never reach memory outside the windows the hypervisor mapped for it.
 *
 * <p>Windows start and end on 64 KiB boundaries, so a host address and its backing address have the same offset in
 * their {@link GuestMemory#CHUNK_SIZE} chunk, and the TLB keeps (chunk, offset) exactly as before. The window table is
 * copied on write: walkers never lock. Only the hypervisor side writes descriptors ({@link #writeDescriptor}).
 */
public final class HostMemory {
    private static final ValueLayout.OfLong DESC = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DESC_HANDLE = DESC.varHandle();
    private static final long CHUNK_MASK = GuestMemory.CHUNK_MASK;

    /** One window: host physical [base, base+size) is backing's [backingBase, backingBase+size). */
    private record Window(long base, long size, GuestMemory backing, long backingBase) {
        boolean covers(long hpa) {
            return hpa - base >= 0 && hpa - base < size;
        }

        long backingAddress(long hpa) {
            return backingBase + (hpa - base);
        }
    }

    /** Host physical address bits (ID_AA64MMFR0_EL1.PARange of the physical CPUs: 44 on a Cortex-A57). */
    private final int paBits;
    private volatile Window[] windows = new Window[0];
    private final Object lock = new Object();

    /** @param paBits the host's physical address size in bits */
    public HostMemory(int paBits) {
        this.paBits = paBits;
    }

    /**
     * Host memory in which a VM's RAM is at host PA = IPA: for a stage 2 supplied as a translation callback
     * ({@code arm64.spi.Stage2}), whose results are addresses of the VM's own memory.
     */
    public static HostMemory identity(GuestMemory memory) {
        HostMemory h = new HostMemory(52);
        h.windows = new Window[] {new Window(0, 1L << 52, memory, 0)};
        return h;
    }

    public int paBits() {
        return paBits;
    }

    /**
     * Maps [hostBase, hostBase+size) to backing's [backingBase, ...).
     *
     * @throws IllegalArgumentException if misaligned, beyond the PA size or overlapping another window
     */
    public void map(long hostBase, long size, GuestMemory backing, long backingBase) {
        if (((hostBase | size | backingBase) & CHUNK_MASK) != 0 || size <= 0) {
            throw new IllegalArgumentException("host window 0x" + Long.toHexString(hostBase) + "+0x"
                    + Long.toHexString(size) + " is not 64 KiB aligned");
        }
        if (hostBase < 0 || hostBase + size > 1L << paBits) {
            throw new IllegalArgumentException("host window 0x" + Long.toHexString(hostBase) + "+0x"
                    + Long.toHexString(size) + " is beyond the " + paBits + "-bit host physical address space");
        }
        synchronized (lock) {
            for (Window w : windows) {
                if (hostBase < w.base + w.size && w.base < hostBase + size) {
                    throw new IllegalArgumentException("host window 0x" + Long.toHexString(hostBase)
                            + " overlaps the one at 0x" + Long.toHexString(w.base));
                }
            }
            Window[] next = Arrays.copyOf(windows, windows.length + 1);
            next[next.length - 1] = new Window(hostBase, size, backing, backingBase);
            Arrays.sort(next, Comparator.comparingLong(Window::base));
            windows = next;
        }
    }

    /**
     * The lowest free host address range of {@code size} bytes aligned to {@code align} at or above {@code from},
     * mapped to backing's [backingBase, ...) in one step (the hypervisor's placement of a RAM slot).
     *
     * @return the host base chosen
     * @throws IllegalArgumentException if the host physical space has no such gap
     */
    public long place(long from, long size, long align, GuestMemory backing, long backingBase) {
        synchronized (lock) {
            long candidate = alignUp(from, align);
            for (Window w : windows) {
                if (candidate + size <= w.base) {
                    break;
                }
                if (w.base + w.size > candidate) {
                    candidate = alignUp(w.base + w.size, align);
                }
            }
            map(candidate, size, backing, backingBase);
            return candidate;
        }
    }

    /** Removes the window starting at hostBase (a VM's RAM when the VM goes away); unknown bases change nothing. */
    public void unmap(long hostBase) {
        synchronized (lock) {
            windows = Arrays.stream(windows).filter(w -> w.base != hostBase).toArray(Window[]::new);
        }
    }

    /** Host bases of the windows, ascending (diagnostics and tests). */
    public List<Long> windowBases() {
        List<Long> out = new ArrayList<>();
        for (Window w : windows) {
            out.add(w.base);
        }
        return out;
    }

    private static long alignUp(long v, long align) {
        return (v + align - 1) & -align;
    }

    private Window window(long hpa) {
        for (Window w : windows) {
            if (w.covers(hpa)) {
                return w;
            }
        }
        return null;
    }

    /** Whether hpa is memory (some window covers it and its backing has RAM there). */
    public boolean isRam(long hpa) {
        Window w = window(hpa);
        return w != null && w.backing.isRam(w.backingAddress(hpa));
    }

    /** The 64 KiB chunk holding hpa (index it with {@code hpa & CHUNK_MASK}), or null if hpa is not memory. */
    public MemorySegment chunk(long hpa) {
        Window w = window(hpa);
        return w == null ? null : w.backing.chunk(w.backingAddress(hpa));
    }

    /**
     * Writes bytes at hpa as a device that masters the bus does (a profiling unit writing its buffer); false, and
     * nothing written, when the range is not memory of one window.
     */
    public boolean write(long hpa, byte[] src, int off, int len) {
        Window w = window(hpa);
        if (w == null || !w.covers(hpa + len - 1) || !w.backing.isRam(w.backingAddress(hpa))
                || !w.backing.isRam(w.backingAddress(hpa + len - 1))) {
            return false;
        }
        w.backing.writeBytes(w.backingAddress(hpa), src, off, len);
        return true;
    }

    /** A little-endian read of 1, 2, 4 or 8 bytes (slow paths: block decoding, syndromes). */
    public long read(long hpa, int size, ByteOrder order) {
        Window w = window(hpa);
        if (w == null) {
            throw new IllegalArgumentException("host physical address 0x" + Long.toHexString(hpa) + " is not memory");
        }
        return w.backing.read(w.backingAddress(hpa), size, order);
    }

    /**
     * A translation table descriptor at hpa (8-byte aligned), read with acquire semantics so that a table the
     * hypervisor published after zeroing it is seen zeroed; {@link #NOT_MEMORY} when nothing is there.
     */
    public long readDescriptor(long hpa) {
        MemorySegment s = chunk(hpa);
        return s == null ? NOT_MEMORY : (long) DESC_HANDLE.getAcquire(s, hpa & CHUNK_MASK);
    }

    /** Marker from {@link #readDescriptor} (a descriptor never has all bits set: bits 11:2 of a table are RES0). */
    public static final long NOT_MEMORY = -1L;

    /** The hypervisor writes a descriptor (release: the table it points to is complete before it is visible). */
    public void writeDescriptor(long hpa, long desc) {
        MemorySegment s = chunk(hpa);
        if (s == null) {
            throw new IllegalArgumentException("stage-2 table at host PA 0x" + Long.toHexString(hpa)
                    + " is not host memory");
        }
        DESC_HANDLE.setRelease(s, hpa & CHUNK_MASK, desc);
    }
}
