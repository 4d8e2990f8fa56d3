package org.polyvisor.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A memory-mapped device. Accesses arrive with the offset from the device's base. A device that has state exports
 * it so that it survives a swap of the bundle that provides it.
 */
@ConsumerType
public interface MmioDevice {
    String name();

    /** Reads {@code size} bytes (1, 2, 4 or 8) at {@code offset}; the value is zero-extended. */
    long read(long offset, int size);

    void write(long offset, int size, long value);

    default StateSnapshot exportState() {
        return StateSnapshot.builder(name(), 1).build();
    }

    default void importState(StateSnapshot state) {
    }
}
