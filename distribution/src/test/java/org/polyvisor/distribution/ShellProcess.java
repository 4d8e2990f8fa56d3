package org.polyvisor.distribution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.polyvisor.testkit.Await;

/**
 * {@code bin/polyvisor shell} as a process an operator types into: one command at a time, each answer read up to the
 * next {@code g! } prompt (stdout) together with what the command printed on stderr.
 */
final class ShellProcess implements AutoCloseable {
    static final String PROMPT = "g! ";
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);
    private final Process process;
    private final OutputStream stdin;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private int prompts;
    /** The shell's log file (info lines; see ShellLog). */
    final Path log;
    private int errSeen;
    private int lastErrStart;

    /** One command's answer: its stdout up to the next prompt, and its stderr lines. */
    record Answer(String command, String out, String err) {
        @Override
        public String toString() {
            return "g! " + command + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    ShellProcess(List<String> extraArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Dist.SCRIPT.toString(), "shell"));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Dist.HOME.toFile());
        // a log file of its own: the default one in the temporary folder may be held by another shell on this
        // machine (then the launcher says so on stderr, which the tests require empty)
        log = Files.createTempFile("polyvisor-it-shell", ".log");
        String opts = pb.environment().getOrDefault("POLYVISOR_JAVA_OPTS", "");
        pb.environment().put("POLYVISOR_JAVA_OPTS", (opts + " -Dpolyvisor.log=" + log).trim());
        process = pb.start();
        stdin = process.getOutputStream();
        pump(process.getInputStream(), out, "shell-stdout");
        pump(process.getErrorStream(), err, "shell-stderr");
        prompts = 1;
        awaitPrompts("the first prompt");
    }

    private static void pump(InputStream in, ByteArrayOutputStream sink, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0;) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    String stdout() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    String stderr() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    private void awaitPrompts(String what) {
        Await.until(what + " (prompt " + prompts + ")", () -> count(stdout()) >= prompts, ANSWER_TIMEOUT,
                () -> "stdout:\n" + stdout() + "\nstderr:\n" + stderr());
    }

    private static int count(String text) {
        int n = 0;
        for (int i = text.indexOf(PROMPT); i >= 0; i = text.indexOf(PROMPT, i + PROMPT.length())) {
            n++;
        }
        return n;
    }

    /** Types a command and waits for the next prompt. */
    Answer type(String command) throws IOException {
        String before = stdout();
        int start = nthPrompt(before, prompts) + PROMPT.length();
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        prompts++;
        awaitPrompts("the answer to '" + command + "'");
        String now = stdout();
        String answer = now.substring(start, nthPrompt(now, prompts));
        // stderr has no prompt to wait for: a failing command prints before Gogo prints the next prompt on stdout
        String e = stderr();
        String errLines = e.substring(errSeen);
        lastErrStart = errSeen;
        errSeen = e.length();
        return new Answer(command, answer, errLines);
    }

    private static int nthPrompt(String text, int n) {
        int i = -1;
        for (int k = 0; k < n; k++) {
            i = text.indexOf(PROMPT, i + 1);
        }
        return i;
    }

    /**
     * Waits until the last command's stderr contains {@code expected} (stderr and stdout are separate pipes: the
     * next prompt can arrive first) and returns it.
     */
    String awaitStderr(String expected) {
        Await.until("'" + expected + "' on stderr", () -> stderr().indexOf(expected, lastErrStart) >= 0,
                ANSWER_TIMEOUT, () -> stderr().substring(lastErrStart));
        String e = stderr();
        errSeen = e.length();
        return e.substring(lastErrStart);
    }

    /** Types {@code exit STATUS} and returns the process's exit status. */
    int exit(int status) throws IOException, InterruptedException {
        stdin.write(("exit " + status + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the shell did not end 60 s after 'exit " + status + "'\nstdout:\n" + stdout()
                    + "\nstderr:\n" + stderr());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file: left behind is harmless
        }
    }
}
