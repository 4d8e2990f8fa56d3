package org.polyvisor.framework.internal;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipException;

import org.polyvisor.api.VmException;

/**
 * The words an operator reads when a {@code pv:} command fails: what failed, where (the VM, bundle or file) and what
 * to do, never a Java exception class name (Gogo would otherwise print {@code gogo: IllegalArgumentException: ...}).
 */
final class ShellErrors {
    private ShellErrors() {
    }

    /** The message for a failed command. */
    static String describe(Throwable t) {
        if (t instanceof VmException) {
            return t.getMessage();
        }
        if (t instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (t instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        if (t instanceof InterruptedException) {
            return "interrupted before it finished (the framework is stopping?)";
        }
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            return t.getCause() != null && t.getCause() != t ? describe(t.getCause())
                    : "failed unexpectedly without a message (the log file has the stack trace)";
        }
        return msg;
    }

    /** A snapshot file that cannot be read or decoded. */
    static String unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return file + ": no such file";
        }
        if (e instanceof AccessDeniedException) {
            return file + ": permission denied";
        }
        // a flipped byte inside the compressed stream decodes into lengths and strings that are not ours
        if (e instanceof UTFDataFormatException || e instanceof CharConversionException || e instanceof ZipException) {
            return file + ": not a Polyvisor snapshot (its contents do not decode"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        }
        return file + ": cannot read the snapshot" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
}
