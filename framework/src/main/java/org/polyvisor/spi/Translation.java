package org.polyvisor.spi;

import org.polyvisor.api.GuestPhysicalAddress;

/** The typed result of a translation: a mapping, or a fault with its kind and level. */
public sealed interface Translation {
    /** The address maps to {@code physical}, inside a page or block of {@code pageSize} bytes. */
    record Mapped(GuestPhysicalAddress physical, long pageSize) implements Translation {
    }

    /**
     * The walk faulted.
     *
     * @param level table level where it faulted (0..3 on ARM64; 0 on BookE TLB lookups), -1 where levels do not apply
     */
    record Fault(FaultKind kind, int level, String detail) implements Translation {
    }
}
