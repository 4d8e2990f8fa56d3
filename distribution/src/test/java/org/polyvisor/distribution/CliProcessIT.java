package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyvisor.testarch.ToyProgram;

/** Runs {@code bin/polyvisor} as a process, as a user would. */
class CliProcessIT {
    static final long PROCESS_TIMEOUT_S = 90;

    /** {@code out} decoded as UTF-8; {@code rawOut} the exact bytes. */
    record Result(int exit, String out, String err, byte[] rawOut) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /** Runs the script (or a given path to it) in {@code cwd} with {@code stdin} (closed after writing). */
    static Result polyvisor(Path script, Path cwd, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        // bound the wait for the framework's headless runner; the run protocol itself is tested in-process too
        pb.environment().put("POLYVISOR_JAVA_OPTS", "-Dpolyvisor.run.pickupMillis=20000");
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in " + PROCESS_TIMEOUT_S + " s");
        }
        return new Result(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8),
                new String(err.get(), StandardCharsets.UTF_8), out.get());
    }

    static Result polyvisor(String... args) throws Exception {
        return polyvisor(Dist.SCRIPT, Dist.HOME, null, args);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return ("<" + e + ">").getBytes(StandardCharsets.UTF_8);
        }
    }

    static String[] runArgs(String... tail) {
        List<String> a = new ArrayList<>(List.of("run", "--extra-bundles", Dist.TEST_BUNDLES.toString()));
        a.addAll(List.of(tail));
        return a.toArray(String[]::new);
    }

    // --- run: the guest's output and status -------------------------------------------------------------------

    @Test
    void runPrintsExactlyTheGuestOutputAndExitsZero(@TempDir Path tmp) throws Exception {
        String text = "hello from the toy guest\nline 2: \u00e9\u00e8 \t end\n";
        Path image = ToyProgram.builder().print(text).halt(0).writeTo(tmp.resolve("hello.elf"));
        Result r = polyvisor(runArgs("--arch", "test", "--mem", "1M", "--timeout", "30", image.toString()));
        assertEquals(0, r.exit(), r::toString);
        assertEquals(text, r.out(), r::toString);
    }

    @Test
    void runExitsWithTheGuestsPowerOffStatus(@TempDir Path tmp) throws Exception {
        Path image = ToyProgram.builder().print("bye\n").halt(3).writeTo(tmp.resolve("three.elf"));
        Result r = polyvisor(runArgs("--arch", "test", "--mem", "1M", image.toString()));
        assertEquals(3, r.exit(), r::toString);
        assertEquals("bye\n", r.out(), r::toString);
    }

    @Test
    void scriptWorksThroughSymlinksFromAnyDirectory(@TempDir Path tmp) throws Exception {
        Path image = ToyProgram.builder().print("linked\n").halt(0).writeTo(tmp.resolve("l.elf"));
        Path dir = Files.createDirectories(tmp.resolve("a/b"));
        Path link1 = Files.createSymbolicLink(tmp.resolve("pv-link"), Dist.SCRIPT);
        Path link2 = Files.createSymbolicLink(dir.resolve("pv"), Path.of("../../pv-link")); // relative, chained
        Result version = polyvisor(link2, dir, null, "--version");
        assertEquals(0, version.exit(), version::toString);
        assertTrue(version.out().startsWith("polyvisor "), version::toString);
        Result r = polyvisor(link1, dir, null, runArgs("--arch", "test", "--mem", "1M", image.toString()));
        Files.delete(link2); // JUnit warns about links out of its temp dir
        Files.delete(link1);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("linked\n", r.out(), r::toString);
    }

    @Test
    void copiedDistributionRunsAndInstallsBundlesFromExtra(@TempDir Path tmp) throws Exception {
        // the folder is relocatable, and a bundle dropped into extra/ is installed without any option
        Path copy = tmp.resolve("somewhere else/polyvisor");
        try (var files = Files.walk(Dist.HOME)) {
            for (Path src : files.toList()) {
                Path dst = copy.resolve(Dist.HOME.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        try (var jars = Files.list(Dist.TEST_BUNDLES)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, copy.resolve("extra").resolve(jar.getFileName()));
            }
        }
        Path image = ToyProgram.builder().print("from extra/\n").halt(0).writeTo(tmp.resolve("x.elf"));
        Result r = polyvisor(copy.resolve("bin/polyvisor"), tmp, null, "run", "--arch", "test", "--mem", "1M",
                image.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("from extra/\n", r.out(), r::toString);
    }

    @Test
    void runOptionsAreValidatedByTheArchitecture(@TempDir Path tmp) throws Exception {
        // the test architecture has no options: the error comes from the framework side, exit 1, nothing on stdout
        Path image = ToyProgram.builder().print("never\n").halt(0).writeTo(tmp.resolve("o.elf"));
        Result r = polyvisor(runArgs("--arch", "test", "--mem", "1M", "-o", "frobnicate=yes", image.toString()));
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().contains("polyvisor: "), r::toString);
        assertTrue(r.err().contains("frobnicate"), r::toString);
    }

    @Test
    void unknownArchitectureIsAClearError(@TempDir Path tmp) throws Exception {
        Path image = ToyProgram.builder().halt(0).writeTo(tmp.resolve("u.elf"));
        Result r = polyvisor(runArgs("--arch", "vax", "--mem", "1M", image.toString()));
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().contains("polyvisor: ") && r.err().contains("vax"), r::toString);
    }

    @Test
    void runTimeoutStopsARunawayGuest(@TempDir Path tmp) throws Exception {
        Path image = ToyProgram.builder().print("spinning\n").li(1, 1).label("spin").bnz(1, "spin")
                .writeTo(tmp.resolve("spin.elf"));
        long t0 = System.nanoTime();
        Result r = polyvisor(runArgs("--arch", "test", "--mem", "1M", "--timeout", "1.5", image.toString()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(1, r.exit(), r::toString);
        assertEquals("spinning\n", r.out(), r::toString);
        assertTrue(r.err().startsWith("polyvisor: ") && r.err().contains("1.5 s"), r::toString);
        assertTrue(ms < 15_000, "took " + ms + " ms");
    }

    @Test
    void sigtermStopsARunningGuestPromptly(@TempDir Path tmp) throws Exception {
        Path image = ToyProgram.builder().print("up\n").li(1, 1).label("spin").bnz(1, "spin")
                .writeTo(tmp.resolve("forever.elf"));
        List<String> cmd = new ArrayList<>(List.of(Dist.SCRIPT.toString()));
        cmd.addAll(List.of(runArgs("--arch", "test", "--mem", "1M", image.toString())));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var out = p.getInputStream()) {
            assertEquals("up\n", new String(out.readNBytes(3), StandardCharsets.UTF_8), "guest is running");
            p.destroy(); // SIGTERM: the shutdown hook stops Felix (and with it the VM)
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "process ended after SIGTERM");
            assertEquals(143, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    // --- run: argument and image errors --------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        "run",                                   // missing IMAGE
        "run --smp 0 x.elf",
        "run --smp two x.elf",
        "run --mem 12Q x.elf",
        "run x.elf --host",                      // an architecture option without its value
        "run -o novalue x.elf",
        "run --timeout -1 x.elf",
        "run --frobnicate x.elf",
        "frobnicate",
        "",                                      // no command
    })
    void badArgumentsExitTwoWithAMessage(String line) throws Exception {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        Result r = polyvisor(args);
        assertEquals(2, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().lines().findFirst().orElse("").length() > 5, "a message first: " + r);
        assertTrue(r.err().contains("Usage: polyvisor"), r::toString);
    }

    @Test
    void missingImageExitsOneWithAClearMessage(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("no-such-guest.elf");
        Result r = polyvisor("run", missing.toString());
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals("polyvisor: " + missing + ": no such file\n", r.err(), r::toString);
    }

    @Test
    void malformedImageExitsOneWithAClearMessage(@TempDir Path tmp) throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.elf"), "this is not an ELF file at all\n");
        Result r = polyvisor("run", junk.toString());
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().startsWith("polyvisor: " + junk + ": not an ELF file"), r::toString);

        Path truncated = Files.write(tmp.resolve("short.elf"), new byte[] {0x7F, 'E', 'L', 'F', 2, 1});
        r = polyvisor("run", truncated.toString());
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().contains("truncated"), r::toString);
    }

    @Test
    void anImageOfAnArchitectureThatIsNotInstalledIsRefusedWithTheInstalledOnes(@TempDir Path tmp) throws Exception {
        // an ELF header for SPARC (e_machine 2): no installed bundle boots it
        byte[] header = new byte[64];
        System.arraycopy(new byte[] {0x7F, 'E', 'L', 'F', 1, 2, 1, 0}, 0, header, 0, 8);
        header[17] = 2; // e_type EXEC
        header[19] = 2; // e_machine EM_SPARC, big-endian
        Path image = Files.write(tmp.resolve("sparc.elf"), header);
        Result r = polyvisor(runArgs(image.toString()));
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertTrue(r.err().startsWith("polyvisor: " + image + ": no installed architecture boots ELF machine 2"
                + " (SPARC) (installed: ") && r.err().contains("test (ELF machine 28793)") && r.err().contains("--arch"),
                r::toString);
    }

    @Test
    void runHelpListsTheInstalledArchitecturesAndTheirOptions() throws Exception {
        Result r = polyvisor(runArgs("--help"));
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Installed architectures") && r.out().contains("test (ELF machine 28793)"),
                r::toString);
        Path arm64 = Dist.level5Jar("polyvisor-arch-arm64");
        if (arm64 != null && Dist.isComponentBundle(arm64)) {
            assertTrue(r.out().contains("-o host=vhe|nvhe (default vhe), or --host vhe|nvhe"), r::toString);
        }
    }

    @Test
    void theToyImageIsRecognisedByItsElfMachine(@TempDir Path tmp) throws Exception {
        Path image = ToyProgram.builder().print("toy\n").halt(0).writeTo(tmp.resolve("toy.elf"));
        Result r = polyvisor(runArgs("--mem", "1M", image.toString()));
        assertEquals(0, r.exit(), r::toString);
        assertEquals("toy\n", r.out(), r::toString);
    }

    @Test
    void anOptionTheArchitectureDoesNotDeclareIsRefusedWithItsOptions(@TempDir Path tmp) throws Exception {
        Path image = ToyProgram.builder().halt(0).writeTo(tmp.resolve("toy.elf"));
        Result r = polyvisor(runArgs("--mem", "1M", "--lastinst", "lwepx", image.toString()));
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals("polyvisor: unknown option '--lastinst': not a run option nor an option of architecture test (its"
                + " options: it has none)\n", r.err(), r::toString);
    }

    // --- shell ---------------------------------------------------------------------------------------------

    @Test
    void shellListsEveryBundleActiveAndStopsAtEndOfInput() throws Exception {
        Result r = polyvisor(Dist.SCRIPT, Dist.HOME, "lb\npv:archs\n", "shell");
        assertEquals(0, r.exit(), r::toString);
        List<String> bundleLines = r.out().lines().filter(l -> l.matches("\\s*\\d+\\|.*")).toList();
        // distribution bundles (5 asm/SPI Fly, 2 SLF4J, 8 at level 3, the shell, framework, 4 arch/feature) + system
        assertTrue(bundleLines.size() >= 22, r::toString);
        for (String l : bundleLines) {
            assertTrue(l.contains("|Active"), "not active: " + l + "\n" + r);
        }
        assertTrue(r.out().contains("Apache Felix Gogo Shell"), r::toString);
        Path arm64 = Dist.level5Jar("polyvisor-arch-arm64");
        if (arm64 != null && Dist.isComponentBundle(arm64)) {
            assertTrue(r.out().contains("arm64"), "pv:archs lists arm64:\n" + r);
        }
        // the shell starts last: the Polyvisor commands exist when the first piped command runs
        assertTrue(!r.out().contains("CommandNotFoundException") && !r.err().contains("CommandNotFoundException"),
                r::toString);
        assertTrue(r.out().contains("org.polyvisor.framework") || r.out().contains("Polyvisor Framework"), r::toString);
    }

    @Test
    void shellExitCommandStopsTheFramework() throws Exception {
        Result r = polyvisor(Dist.SCRIPT, Dist.HOME, "lb\nexit 0\n", "shell");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("|Active"), r::toString);
    }

    // --- real guests -------------------------------------------------------------------------------------------

    /**
     * hello of each architecture; every guest with a {@code .expected} file with {@code -Dpolyvisor.it.allGuests=true}
     * (about 2 s each; the architecture modules run their guest suites in-process themselves).
     */
    static List<String> realGuests() throws IOException {
        List<String> guests = new ArrayList<>(List.of("arm64/hello", "ppc/hello"));
        if (Boolean.getBoolean("polyvisor.it.allGuests")) {
            for (String arch : List.of("arm64", "ppc")) {
                Path dir = Dist.REPO.resolve("guests").resolve(arch);
                if (Files.isDirectory(dir)) {
                    try (var files = Files.list(dir)) {
                        files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".expected")).sorted()
                                .map(f -> arch + "/" + f.substring(0, f.length() - ".expected".length()))
                                .filter(g -> !guests.contains(g)).forEach(guests::add);
                    }
                }
            }
        }
        return guests;
    }

    @ParameterizedTest
    @MethodSource("realGuests")
    void realGuestMatchesItsExpectedOutput(String guest) throws Exception {
        Path elf = Dist.REPO.resolve("guests/" + guest + ".elf");
        Path expected = Dist.REPO.resolve("guests/" + guest + ".expected");
        // committed guests: a missing ELF or golden file is a broken checkout, not a reason to skip
        assertTrue(Files.isRegularFile(elf), "the committed guest " + elf + " is missing");
        assertTrue(Files.isRegularFile(expected), "the committed golden output " + expected + " is missing");
        String jar = guest.startsWith("arm64") ? "polyvisor-arch-arm64" : "polyvisor-arch-ppc-booke";
        Path bundle = Dist.level5Jar(jar);
        assertTrue(bundle != null, "no " + jar + " jar in " + Dist.HOME.resolve("bundles/5"));
        assertTrue(Dist.isComponentBundle(bundle), bundle + " declares no DS components (Service-Component)");
        // featreg needs the test-only feature bundle that gives it its system register
        Result r = guest.equals("arm64/featreg")
                ? polyvisor(Dist.SCRIPT, Dist.HOME, null, "run", "--timeout", "60", "--extra-bundles",
                        Dist.OPTIONAL_BUNDLES.toString(), elf.toString())
                : polyvisor(Dist.SCRIPT, Dist.HOME, null, "run", "--timeout", "60", elf.toString());
        assertEquals(0, r.exit(), r::toString);
        // byte for byte (guests may print any byte; ISO-8859-1 maps each byte to one char for a readable diff)
        assertEquals(new String(Files.readAllBytes(expected), StandardCharsets.ISO_8859_1),
                new String(r.rawOut(), StandardCharsets.ISO_8859_1), r::toString);
    }
}
