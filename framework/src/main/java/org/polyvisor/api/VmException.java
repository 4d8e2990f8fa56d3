package org.polyvisor.api;

/**
 * A VM operation failed. The message always says what failed and where (VM id, address in hex, file, option),
 * so that it can be shown to a user as it is.
 */
public class VmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VmException(String message) {
        super(message);
    }

    public VmException(String message, Throwable cause) {
        super(message, cause);
    }
}
