package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT caches the build trains into {@code lib/} (bin/polyvisor-aot-train): used when they match, still used after
 * a bundle is replaced (bundles are not in them), and ignored, never wrong, when a class path jar changed or the file
 * is not a cache at all. Each test works on a copy of the distribution (file times kept: the JVM compares them).
 */
class AotCacheIT {
    /** What the JVM's AOT log says when it maps a cache ({@code -Xlog:aot}, JDK 25). */
    private static final String USED = "Using AOT-linked classes: true";

    @TempDir
    Path tmp;
    private Path home;

    @BeforeEach
    void copyDistribution() throws IOException {
        assertTrue(Files.isRegularFile(Dist.HOME.resolve("lib/polyvisor-run.aot")),
                "the build trains lib/polyvisor-run.aot (dist-aot-cache in distribution/pom.xml); not found in "
                        + Dist.HOME.resolve("lib"));
        home = tmp.resolve("polyvisor");
        try (Stream<Path> files = Files.walk(Dist.HOME)) {
            for (Path p : files.toList()) {
                Path to = home.resolve(Dist.HOME.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void theTrainedCacheIsUsedAndStaysValidAfterABundleIsReplaced() throws Exception {
        Run fresh = runHello();
        assertTrue(fresh.aotLog.contains(USED), () -> "the trained cache was not used:\n" + fresh);

        Path arm64 = jar("bundles/5", "polyvisor-arch-arm64");
        byte[] rebuilt = HotSwapSupport.withVersion(Files.readAllBytes(arm64), "0.1.0.aotcache");
        Files.write(arm64, rebuilt);
        Run swapped = runHello();
        assertTrue(swapped.aotLog.contains(USED), () -> "a replaced bundle made the cache unusable:\n" + swapped);
    }

    @Test
    void aCacheMadeStaleByAReplacedClassPathJarIsIgnoredAndTheRunStillWorks() throws Exception {
        Path launcher = jar("lib", "polyvisor-distribution");
        // what a rebuilt launcher jar looks like to the JVM's check: another modification time
        Files.setLastModifiedTime(launcher,
                FileTime.fromMillis(Files.getLastModifiedTime(launcher).toMillis() + 60_000));
        Run stale = runHello();
        assertFalse(stale.aotLog.contains(USED), () -> "a stale cache was used:\n" + stale);
    }

    @Test
    void aFileThatIsNoCacheIsIgnoredAndTheRunStillWorks() throws Exception {
        Files.writeString(home.resolve("lib/polyvisor-run.aot"), "not an AOT cache\n");
        Run junk = runHello();
        assertFalse(junk.aotLog.contains(USED), () -> "a junk cache was used:\n" + junk);
    }

    @Test
    void withoutTheCacheTheRunWorks() throws Exception {
        Files.delete(home.resolve("lib/polyvisor-run.aot"));
        Run none = runHello();
        assertFalse(none.aotLog.contains(USED), () -> "a cache was used though none is there:\n" + none);
    }

    /** One {@code bin/polyvisor run hello.elf} of the copy: exit 0, QEMU's output, nothing on stderr. */
    private Run runHello() throws Exception {
        Path log = Files.createTempFile(tmp, "aot", ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of(home.resolve("bin/polyvisor").toString(), "run",
                Dist.guest("arm64/hello").toString())).directory(tmp.toFile());
        pb.environment().put("POLYVISOR_JAVA_OPTS",
                "-Dpolyvisor.run.pickupMillis=20000 -Xlog:aot=info:file=" + log);
        pb.environment().remove("POLYVISOR_AOT");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(CliProcessIT.PROCESS_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/polyvisor run hello.elf did not finish in " + CliProcessIT.PROCESS_TIMEOUT_S
                    + " s");
        }
        Run r = new Run(p.exitValue(), out.get(), err.get(), Files.readString(log));
        assertEquals(0, r.exit, r::toString);
        assertEquals(Dist.golden("arm64/hello"), r.out, r::toString);
        assertEquals("", r.err, r::toString);
        return r;
    }

    private Path jar(String dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(home.resolve(dir))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + prefix + "*.jar in " + home.resolve(dir)));
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "<cannot read: " + e.getMessage() + ">";
        }
    }

    private record Run(int exit, String out, String err, String aotLog) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err + "\n--- AOT log ---\n"
                    + aotLog;
        }
    }
}
