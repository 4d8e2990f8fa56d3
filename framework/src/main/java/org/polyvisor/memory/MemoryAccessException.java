package org.polyvisor.memory;

import org.polyvisor.api.VmException;

/** A slow-path access touched an address that no RAM slot covers. Hot paths check {@link GuestMemory#chunk} instead. */
public class MemoryAccessException extends VmException {
    private static final long serialVersionUID = 1L;
    /** The guest physical address that no slot covers (part of the serialized form). */
    private final long address;

    /**
     * An access outside guest RAM.
     *
     * @param address the guest physical address accessed
     * @param size    the access size in bytes
     * @param what    the kind of access, for example {@code read} or {@code write}
     */
    public MemoryAccessException(long address, int size, String what) {
        super(what + " of " + size + " byte(s) at guest physical 0x" + Long.toHexString(address)
                + " is outside guest RAM");
        this.address = address;
    }

    /**
     * The address that no slot covers, for handlers that turn the failure into a guest fault.
     *
     * @return the guest physical address
     */
    public long address() {
        return address;
    }
}
