package org.polyvisor.distribution.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.polyvisor.distribution.Dist;

/**
 * Start-up of the assembled distribution, before and after in one run: {@code bin/polyvisor run hello.elf} end to end,
 * and {@code bin/polyvisor shell} to its first {@code g! } prompt and to its exit ({@code exit 0} typed at the
 * prompt), each without the AOT cache ({@code POLYVISOR_AOT=off}, the launcher as it was) and with it. The variants
 * alternate within each round, so a machine whose load changes during the run slows both alike. Prints the median and
 * the spread of wall-clock times.
 *
 * <p>Run: {@code scripts/bench.sh startup [ROUNDS [IMAGE.elf]]} (10 rounds and guests/arm64/hello.elf by default).
 */
public final class StartupBenchmark {
    private static final long TIMEOUT_S = 120;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path image = args.length > 1 ? Path.of(args[1]) : Dist.REPO.resolve("guests/arm64/hello.elf");
        Path home = Path.of(System.getProperty("polyvisor.dist"));
        Path script = home.resolve("bin/polyvisor");
        if (!Files.isRegularFile(home.resolve("lib/polyvisor-run.aot"))) {
            throw new IllegalStateException("no AOT cache in " + home.resolve("lib")
                    + ": build the distribution without -Dpv.aot.skip=true");
        }
        Map<String, List<Long>> times = new LinkedHashMap<>();
        for (String aot : List.of("off", "on")) {
            for (String what : List.of("run", "shell prompt", "shell exit")) {
                times.put(what + ", AOT cache " + aot, new ArrayList<>());
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (String aot : List.of("off", "on")) {
                times.get("run, AOT cache " + aot).add(run(script, aot, image));
                long[] shell = shell(script, aot);
                times.get("shell prompt, AOT cache " + aot).add(shell[0]);
                times.get("shell exit, AOT cache " + aot).add(shell[1]);
            }
        }
        System.out.printf("start-up, %d rounds, %d cores, load average at the end %s%n", rounds,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        for (var e : times.entrySet()) {
            long[] ms = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("  %-28s median %5d ms  (min %5d, max %5d)  %s%n", e.getKey(), ms[ms.length / 2], ms[0],
                    ms[ms.length - 1], Arrays.toString(ms));
        }
    }

    /** {@code polyvisor run IMAGE}: milliseconds from the process start to its exit (which must be 0). */
    private static long run(Path script, String aot, Path image) throws Exception {
        Process p = start(aot, script.toString(), "run", image.toString());
        long t0 = System.nanoTime();
        p.getOutputStream().close();
        drain(p.getInputStream());
        drain(p.getErrorStream());
        await(p, "run " + image);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** {@code polyvisor shell}: milliseconds to the first prompt, and to the exit after {@code exit 0}. */
    private static long[] shell(Path script, String aot) throws Exception {
        Process p = start(aot, script.toString(), "shell");
        long t0 = System.nanoTime();
        drain(p.getErrorStream());
        InputStream out = p.getInputStream();
        byte[] prompt = "g! ".getBytes(StandardCharsets.US_ASCII);
        int matched = 0;
        for (int b; matched < prompt.length && (b = out.read()) >= 0; ) {
            matched = b == prompt[matched] ? matched + 1 : (b == prompt[0] ? 1 : 0);
        }
        if (matched < prompt.length) {
            throw new IllegalStateException("the shell ended before its first prompt (exit " + p.waitFor() + ")");
        }
        long promptMs = (System.nanoTime() - t0) / 1_000_000;
        try (OutputStream in = p.getOutputStream()) {
            in.write("exit 0\n".getBytes(StandardCharsets.US_ASCII));
        }
        drain(out);
        await(p, "shell");
        return new long[] {promptMs, (System.nanoTime() - t0) / 1_000_000};
    }

    private static Process start(String aot, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("POLYVISOR_AOT", aot);
        pb.environment().remove("POLYVISOR_JAVA_OPTS");
        return pb.start();
    }

    private static void await(Process p, String what) throws InterruptedException {
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("polyvisor " + what + " did not finish in " + TIMEOUT_S + " s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("polyvisor " + what + " exited with " + p.exitValue());
        }
    }

    /** Reads a stream to its end on a daemon thread (a full pipe would stall the process being timed). */
    private static void drain(InputStream in) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the process ended
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
