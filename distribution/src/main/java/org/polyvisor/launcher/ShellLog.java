package org.polyvisor.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shell's stderr: every line goes to the log file ({@link #file()}); the console shows all but SLF4J simple's
 * info, debug and trace lines, so the start-up log stays out of the operator's way while warnings, errors and the
 * commands' own error lines still show.
 */
final class ShellLog extends OutputStream {
    /** Overrides the log file's path. */
    static final String FILE_PROPERTY = "polyvisor.log";
    private final OutputStream file;
    private final PrintStream console;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    private ShellLog(OutputStream file, PrintStream console) {
        this.file = file;
        this.console = console;
    }

    /** The log file: {@code -Dpolyvisor.log=PATH}, else {@code polyvisor-shell.log} in the temporary folder. */
    static Path file() {
        String p = System.getProperty(FILE_PROPERTY);
        return p != null && !p.isBlank() ? Path.of(p)
                : Path.of(System.getProperty("java.io.tmpdir"), "polyvisor-shell.log");
    }

    /** Points System.err at the log file plus a filtered console; returns the file. */
    static Path install() throws IOException {
        Path path = file();
        OutputStream out = Files.newOutputStream(path); // one shell run per file: the previous run's log goes
        System.setErr(new PrintStream(new ShellLog(out, System.err), true, StandardCharsets.UTF_8));
        return path;
    }

    /** True for the lines the console leaves out: SLF4J simple's {@code [thread] INFO logger - message}. */
    static boolean quiet(String line) {
        if (!line.startsWith("[")) {
            return false;
        }
        int close = line.indexOf("] ");
        if (close < 0) {
            return false;
        }
        String rest = line.substring(close + 2);
        return rest.startsWith("INFO ") || rest.startsWith("DEBUG ") || rest.startsWith("TRACE ");
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n') {
            flushLine();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        // a partial line (a prompt-like message without its newline) goes out as it is
        if (line.size() > 0) {
            flushLine();
        }
        file.flush();
        console.flush();
    }

    private void flushLine() throws IOException {
        byte[] bytes = line.toByteArray();
        line.reset();
        file.write(bytes);
        if (!quiet(new String(bytes, StandardCharsets.UTF_8))) {
            console.write(bytes);
        }
    }
}
