package org.polyvisor.memory;

import org.polyvisor.api.VmException;

/** A slow-path access touched an address that no RAM slot covers. Hot paths check {@link GuestMemory#chunk} instead. */
public class MemoryAccessException extends VmException {
    private static final long serialVersionUID = 1L;
    private final long address;

    public MemoryAccessException(long address, int size, String what) {
        super(what + " of " + size + " byte(s) at guest physical 0x" + Long.toHexString(address)
                + " is outside guest RAM");
        this.address = address;
    }

    public long address() {
        return address;
    }
}
