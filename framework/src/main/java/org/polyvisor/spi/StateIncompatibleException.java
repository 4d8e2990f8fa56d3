package org.polyvisor.spi;

import org.polyvisor.api.VmException;

/** A state snapshot cannot be imported: wrong kind, unsupported version, or a missing entry. */
public class StateIncompatibleException extends VmException {
    private static final long serialVersionUID = 1L;

    /**
     * A snapshot that cannot be imported.
     *
     * @param message which snapshot, and what kind, version or entry is wrong
     */
    public StateIncompatibleException(String message) {
        super(message);
    }
}
