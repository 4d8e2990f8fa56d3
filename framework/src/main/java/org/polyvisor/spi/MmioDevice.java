package org.polyvisor.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A memory-mapped device. Accesses arrive with the offset from the device's base. A device that has state exports
 * it so that it survives a swap of the bundle that provides it.
 */
@ConsumerType
public interface MmioDevice {
    /**
     * The device's name in messages and the kind of its state snapshot.
     *
     * @return for example {@code pl011}
     */
    String name();

    /**
     * Reads {@code size} bytes (1, 2, 4 or 8) at {@code offset}; the value is zero-extended.
     *
     * @param offset bytes from the device's base
     * @param size   1, 2, 4 or 8
     * @return the register's value
     */
    long read(long offset, int size);

    /**
     * Writes {@code size} bytes (1, 2, 4 or 8) at {@code offset}.
     *
     * @param offset bytes from the device's base
     * @param size   1, 2, 4 or 8
     * @param value  the value; bytes above {@code size} are ignored
     */
    void write(long offset, int size, long value);

    /**
     * The device's state, so that it survives a swap of the bundle that provides it. The default suits stateless
     * devices: an empty snapshot of kind {@link #name()}, version 1.
     *
     * @return the state
     */
    default StateSnapshot exportState() {
        return StateSnapshot.builder(name(), 1).build();
    }

    /**
     * Takes over state exported by this or an earlier version of the device. The default ignores it (stateless
     * devices).
     *
     * @param state what {@link #exportState()} returned
     */
    default void importState(StateSnapshot state) {
    }
}
