package org.polyvisor.api;

/**
 * A VM operation failed. The message always says what failed and where (VM id, address in hex, file, option),
 * so that it can be shown to a user as it is.
 */
public class VmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure without an underlying cause.
     *
     * @param message what failed and where, ready to show to a user
     */
    public VmException(String message) {
        super(message);
    }

    /**
     * A failure caused by another one (an I/O error, a guest memory fault), kept for diagnostics.
     *
     * @param message what failed and where, ready to show to a user
     * @param cause   the underlying failure
     */
    public VmException(String message, Throwable cause) {
        super(message, cause);
    }
}
