package org.polyvisor.api;

/**
 * A guest physical address (an IPA on ARM64, a guest real address on BookE). A distinct type so that it can never
 * be passed where a guest virtual address is expected. Printed in hex because that is how people read addresses.
 *
 * @param value the address, compared as an unsigned 64-bit number
 */
public record GuestPhysicalAddress(long value) implements Comparable<GuestPhysicalAddress> {
    /**
     * Wraps a raw guest physical address.
     *
     * @param value the address
     * @return the typed address
     */
    public static GuestPhysicalAddress of(long value) {
        return new GuestPhysicalAddress(value);
    }

    /**
     * The address {@code offset} bytes further on (wrapping at 2^64, as the hardware's address arithmetic does).
     *
     * @param offset bytes to add, may be negative
     * @return the new address
     */
    public GuestPhysicalAddress plus(long offset) {
        return new GuestPhysicalAddress(value + offset);
    }

    @Override
    public int compareTo(GuestPhysicalAddress o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return "GPA 0x" + Long.toHexString(value);
    }
}
