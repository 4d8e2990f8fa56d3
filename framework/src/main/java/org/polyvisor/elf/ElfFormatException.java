package org.polyvisor.elf;

import org.polyvisor.api.VmException;

/** A file is not a loadable ELF image; the message names the file and what is wrong with it. */
public class ElfFormatException extends VmException {
    private static final long serialVersionUID = 1L;

    /**
     * A format error found by our own checks.
     *
     * @param message the file and what is wrong with it
     */
    public ElfFormatException(String message) {
        super(message);
    }

    /**
     * A format error reported by the ELF parser or an I/O error while reading the file.
     *
     * @param message the file and what is wrong with it
     * @param cause   the parser's or the file system's error
     */
    public ElfFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
