package org.polyvisor.arm64.internal.mmu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import org.polyvisor.memory.GuestMemory;

/**
 * The global part of the exclusive monitor for SMP guests: a store-exclusive succeeds only if memory still holds the
 * value its load-exclusive read, checked and written atomically (compare-and-set on the guest RAM segment), so
 * LDXR/STXR loops on different vCPU threads never lose an update. This is QEMU TCG's approach; an ABA change of the
 * value between the pair is not detected, which no lock or counter algorithm relies on.
 */
public final class ExclusiveStore {
    private static final VarHandle I32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle I64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** Byte and halfword exclusives (rare) are made atomic with one lock per JVM. */
    private static final Object NARROW = new Object();

    private ExclusiveStore() {
    }

    /** Returns true if stored; a translation fault is taken as for a store (then {@code Cpu.fault} is set). */
    public static boolean store(DataAccess m, long va, int size, long expected, long value) {
        long p = (va & (size - 1)) == 0 ? m.walk.translate(va, DataAccess.ACC_W, false) : -1;
        MemorySegment s = p >= 0 ? m.memory.chunk(p) : null;
        if (s == null) {
            m.write(va, size, value); // faults (or a device) take the ordinary store path
            return !m.cpu.fault;
        }
        m.codeWritten(p, size);
        long off = p & GuestMemory.CHUNK_MASK;
        return switch (size) {
            case 4 -> I32.compareAndSet(s, off, (int) expected, (int) value);
            case 8 -> I64.compareAndSet(s, off, expected, value);
            default -> {
                synchronized (NARROW) {
                    long cur = size == 1 ? s.get(ValueLayout.JAVA_BYTE, off) & 0xFF
                            : s.get(DataAccess.S16, off) & 0xFFFF;
                    long mask = size == 1 ? 0xFF : 0xFFFF;
                    if (cur != (expected & mask)) {
                        yield false;
                    }
                    if (size == 1) {
                        s.set(ValueLayout.JAVA_BYTE, off, (byte) value);
                    } else {
                        s.set(DataAccess.S16, off, (short) value);
                    }
                    yield true;
                }
            }
        };
    }
}
