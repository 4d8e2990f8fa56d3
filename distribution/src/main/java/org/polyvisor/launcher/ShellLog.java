package org.polyvisor.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shell's log: SLF4J simple writes every line to the log file ({@link #file()}), and a daemon thread echoes its
 * warnings and errors on stderr, so the start-up log stays out of the operator's way while warnings still show.
 * SLF4J must write to the file itself: Gogo runs each command on a thread whose System.err is the raw console
 * (gogo.shell 1.1.4 opens {@code FileDescriptor.err}), so a filter on System.err would miss what commands log.
 */
final class ShellLog implements Runnable {
    /** Overrides the log file's path. */
    static final String FILE_PROPERTY = "polyvisor.log";
    private static final long POLL_MILLIS = 200;
    private final Path path;

    private ShellLog(Path path) {
        this.path = path;
    }

    /** The log file: {@code -Dpolyvisor.log=PATH}, else {@code polyvisor-shell.log} in the temporary folder. */
    static Path file() {
        String p = System.getProperty(FILE_PROPERTY);
        return p != null && !p.isBlank() ? Path.of(p)
                : Path.of(System.getProperty("java.io.tmpdir"), "polyvisor-shell.log");
    }

    /** Points SLF4J simple at a fresh log file (info level) and starts echoing its warnings; returns the file. */
    static Path install() throws IOException {
        Path path = file().toAbsolutePath();
        try {
            Files.writeString(path, ""); // one shell run per file
        } catch (IOException e) {
            // another user's file in a shared temporary folder, say: the shell must start all the same
            Path fallback = Files.createTempFile("polyvisor-shell-", ".log");
            System.err.println("polyvisor: cannot write the log file " + path + " (" + e.getMessage() + "); logging to "
                    + fallback);
            path = fallback;
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", path.toString());
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
        Thread echo = new Thread(new ShellLog(path), "polyvisor-log-echo");
        echo.setDaemon(true);
        echo.start();
        return path;
    }

    /** True for the lines the console shows: SLF4J simple's {@code [thread] WARN ...} and {@code ERROR}. */
    static boolean loud(String line) {
        int close = line.startsWith("[") ? line.indexOf("] ") : -1;
        if (close < 0) {
            return false;
        }
        String rest = line.substring(close + 2);
        return rest.startsWith("WARN ") || rest.startsWith("ERROR ");
    }

    @Override
    public void run() {
        try (RandomAccessFile in = new RandomAccessFile(path.toFile(), "r")) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256); // bytes: a buffer may end inside a character
            boolean echoing = false; // a warning's stack trace lines follow it
            byte[] buf = new byte[8192];
            while (true) {
                int n = in.read(buf);
                if (n <= 0) {
                    Thread.sleep(POLL_MILLIS); // tailing a file: there is no event to wait for
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    line.write(buf[i]);
                    if (buf[i] == '\n') {
                        String l = line.toString(StandardCharsets.UTF_8);
                        echoing = loud(l) || (echoing && !l.startsWith("["));
                        if (echoing) {
                            System.err.print(l);
                        }
                        line.reset();
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("polyvisor: the log file " + path + " can no longer be read; warnings show there only");
        }
    }
}
