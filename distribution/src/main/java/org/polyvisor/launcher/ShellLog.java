package org.polyvisor.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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

    /** Points SLF4J simple at a log file of this shell's own (info level) and starts echoing its warnings. */
    static Path install() throws IOException {
        Path path = claim(file().toAbsolutePath());
        System.setProperty("org.slf4j.simpleLogger.logFile", path.toString());
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
        Thread echo = new Thread(new ShellLog(path), "polyvisor-log-echo");
        echo.setDaemon(true);
        echo.start();
        return path;
    }

    /**
     * A log file for this shell alone, emptied: {@code preferred} unless another shell holds it, else
     * {@code <name>-<pid>.log} next to it (said on stderr, so the operator finds it), else a fresh temporary file.
     * Two shells on one file would each empty it at start and write over the other's lines. A shell
     * holds a lock on {@code <file>.lock} while it runs (a lock on the log itself would be dropped by the JVM as soon
     * as SLF4J or the echo thread closed one of their own handles of the file).
     */
    static Path claim(Path preferred) throws IOException {
        try {
            if (lock(preferred)) {
                Files.writeString(preferred, ""); // one shell run per file
                return preferred;
            }
            String name = preferred.getFileName().toString();
            String base = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
            Path own = preferred.resolveSibling(base + "-" + ProcessHandle.current().pid() + ".log");
            if (lock(own)) {
                Files.writeString(own, "");
                System.err.println("polyvisor: " + preferred + " is another shell's log; this shell logs to " + own);
                return own;
            }
        } catch (IOException e) {
            // another user's file in a shared temporary folder, say: the shell must start all the same
            Path fallback = Files.createTempFile("polyvisor-shell-", ".log");
            System.err.println("polyvisor: cannot write the log file " + preferred + " (" + e.getMessage()
                    + "); logging to " + fallback);
            return fallback;
        }
        return Files.createTempFile("polyvisor-shell-", ".log");
    }

    /** Locks {@code <log>.lock} for the rest of this JVM's life; false if another shell (or this JVM) holds it. */
    private static boolean lock(Path log) throws IOException {
        Path lockFile = log.resolveSibling(log.getFileName() + ".lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            // held by this JVM already (an embedder, a test with two shells): kept open, since closing a handle of
            // the file may drop the lock the JVM holds through the other one (POSIX record locks are per process)
            OPEN.add(ch);
            return false;
        }
        if (lock == null) {
            ch.close(); // another process holds it: this JVM has no lock on the file to lose
            return false;
        }
        OPEN.add(ch); // open, so locked, until the JVM exits
        return true;
    }

    /** The lock files' channels, held strongly: a channel collected as garbage would be closed, dropping its lock. */
    private static final List<FileChannel> OPEN = new CopyOnWriteArrayList<>();

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
