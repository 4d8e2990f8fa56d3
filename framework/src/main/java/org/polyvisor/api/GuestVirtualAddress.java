package org.polyvisor.api;

/**
 * A guest virtual (effective) address, before the guest's own translation.
 *
 * @param value the address as the guest's instructions computed it
 */
public record GuestVirtualAddress(long value) {
    /**
     * Wraps a raw guest virtual address.
     *
     * @param value the address
     * @return the typed address
     */
    public static GuestVirtualAddress of(long value) {
        return new GuestVirtualAddress(value);
    }

    @Override
    public String toString() {
        return "GVA 0x" + Long.toHexString(value);
    }
}
