package org.polyvisor.elf;

import org.polyvisor.api.VmException;

/** A file is not a loadable ELF image; the message names the file and what is wrong with it. */
public class ElfFormatException extends VmException {
    private static final long serialVersionUID = 1L;

    public ElfFormatException(String message) {
        super(message);
    }

    public ElfFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
