package org.polyvisor.api;

/**
 * A guest physical address (an IPA on ARM64, a guest real address on BookE). A distinct type so that it can never
 * be passed where a guest virtual address is expected. Printed in hex because that is how people read addresses.
 */
public record GuestPhysicalAddress(long value) implements Comparable<GuestPhysicalAddress> {
    public static GuestPhysicalAddress of(long value) {
        return new GuestPhysicalAddress(value);
    }

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
