package org.polyvisor.api;

/** A guest virtual (effective) address, before the guest's own translation. */
public record GuestVirtualAddress(long value) {
    public static GuestVirtualAddress of(long value) {
        return new GuestVirtualAddress(value);
    }

    @Override
    public String toString() {
        return "GVA 0x" + Long.toHexString(value);
    }
}
