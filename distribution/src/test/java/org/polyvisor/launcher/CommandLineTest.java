package org.polyvisor.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine;

/** The launcher's argument parsing and ELF sniffing, without starting Felix. */
class CommandLineTest {

    private static RunCommand parseRun(String... args) {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult pr = cl.parseArgs(args);
        RunCommand run = (RunCommand) pr.subcommand().commandSpec().userObject();
        run.splitArguments();
        return run;
    }

    /** What the framework would report with arm64 and a toy architecture installed (no ppc-booke bundle). */
    private static final InstalledArchitectures INSTALLED = new InstalledArchitectures(List.of(
            new InstalledArchitectures.Arch("arm64", "AArch64", 183, List.of(
                    new InstalledArchitectures.Option("host", "vhe|nvhe", "vhe", "host model"),
                    new InstalledArchitectures.Option("ipa", "bits", "40", "IPA size"))),
            new InstalledArchitectures.Arch("test", "toy", 0x7079, List.of())));

    @Test
    void runDefaults() {
        RunCommand run = parseRun("run", "guest.elf");
        assertEquals(128L << 20, run.mem);
        assertEquals(1, run.smp);
        assertNull(run.arch);
        assertTrue(run.archFlags.isEmpty());
        assertEquals(List.of(), run.options);
        assertEquals(0.0, run.timeoutSeconds);
        assertEquals(Path.of("guest.elf"), run.image);
    }

    @Test
    void runAllOptions() {
        RunCommand run = parseRun("run", "--arch", "arm64", "--mem", "2G", "--smp", "4", "--host", "nvhe", "--ipa", "40",
                "-o", "a=b", "-o", "c=d=e", "--timeout", "2.5", "--extra-bundles", "x,y", "-v", "g.elf");
        assertEquals("arm64", run.arch);
        assertEquals(2L << 30, run.mem);
        assertEquals(4, run.smp);
        assertEquals(List.of("host=nvhe", "ipa=40"), run.archFlags.stream().map(f -> f[0] + "=" + f[1]).toList());
        assertEquals(List.of("a=b", "c=d=e"), run.options);
        assertEquals(2.5, run.timeoutSeconds);
        assertEquals(List.of(Path.of("x"), Path.of("y")), run.common.extraBundles);
        assertTrue(run.common.verbose);
    }

    @ParameterizedTest
    @CsvSource({"128M,134217728", "64k,65536", "1G,1073741824", "4096,4096", "2MiB,2097152", "1T,1099511627776"})
    void sizes(String text, long bytes) {
        assertEquals(bytes, new SizeConverter().convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "0", "-4K", "12Q", "1.5G", "99999999999T"})
    void badSizes(String text) {
        assertThrows(CommandLine.TypeConversionException.class, () -> new SizeConverter().convert(text));
    }

    @Test
    void badArgumentsExitTwo() {
        for (String[] args : List.of(new String[] {"run"}, new String[] {"run", "--smp", "0", "x.elf"},
                new String[] {"run", "x.elf", "--host"}, new String[] {"run", "-o", "k", "x.elf"},
                new String[] {"run", "-x", "x.elf"}, new String[] {"run", "a.elf", "b.elf"},
                new String[] {"run", "--restore", "s.snap", "--host", "nvhe"},
                new String[] {"nope"}, new String[0])) {
            CommandLine cl = Main.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            cl.setOut(new PrintWriter(new StringWriter()));
            assertEquals(2, cl.execute(args), String.join(" ", args) + ": " + err);
            assertTrue(err.toString().contains("Usage: polyvisor"), err::toString);
        }
    }

    private static Path header(Path dir, boolean bigEndian, int machine) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(64).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, (byte) (bigEndian ? 2 : 1), 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) machine);
        return Files.write(dir.resolve(machine + (bigEndian ? "be" : "le") + ".elf"), b.array());
    }

    @Test
    void archFromElfMachine(@TempDir Path tmp) throws Exception {
        assertEquals(183, ElfHeader.machine(header(tmp, false, 183)));
        assertEquals(20, ElfHeader.machine(header(tmp, true, 20)));
        assertEquals(0x7079, ElfHeader.machine(header(tmp, true, 0x7079)));
        assertEquals("arm64", INSTALLED.choose(null, 183, Path.of("g.elf")).id());
        assertEquals("test", INSTALLED.choose(null, 0x7079, Path.of("g.elf")).id());
        assertEquals("test", INSTALLED.choose("test", 183, Path.of("g.elf")).id()); // --arch wins
    }

    @Test
    void anImageOfAnArchitectureThatIsNotInstalledIsRefusedWithTheInstalledOnes() {
        var e = assertThrows(Main.UserException.class, () -> INSTALLED.choose(null, 20, Path.of("ppc.elf")));
        assertEquals("ppc.elf: no installed architecture boots ELF machine 20 (PowerPC) (installed: arm64 (ELF machine"
                + " 183), test (ELF machine 28793)); this build does not contain it: install its bundle, use a build"
                + " that contains it (docs/custom-builds.md), or name one with --arch", e.getMessage());
        e = assertThrows(Main.UserException.class, () -> INSTALLED.choose(null, 0x7078, Path.of("odd.elf")));
        assertTrue(e.getMessage().startsWith("odd.elf: no installed architecture boots ELF machine 28792 (installed: "),
                e::getMessage);
        e = assertThrows(Main.UserException.class, () -> INSTALLED.choose("ppc-booke", 20, Path.of("ppc.elf")));
        assertTrue(e.getMessage().startsWith("no architecture 'ppc-booke' is installed (installed: arm64"),
                e::getMessage);
    }

    @Test
    void declaredOptionsAreAcceptedAsDashDashNameOrDashO() {
        RunCommand run = parseRun("run", "--host", "nvhe", "g.elf", "--ipa=36", "-o", "host=vhe");
        assertEquals(Path.of("g.elf"), run.image);
        InstalledArchitectures.Arch arm64 = INSTALLED.choose(null, 183, run.image);
        // -o first, then the --NAME ones: the later value of a name wins, as with repeated -o
        assertEquals(List.of("host=nvhe", "ipa=36"), InstalledArchitectures.options(arm64, run.options, run.archFlags));
    }

    @Test
    void anUndeclaredOptionIsRefusedWithTheArchitecturesOptions() {
        InstalledArchitectures.Arch arm64 = INSTALLED.choose(null, 183, Path.of("g.elf"));
        var e = assertThrows(Main.UserException.class, () -> InstalledArchitectures.options(arm64, List.of(),
                parseRun("run", "--lastinst", "lwepx", "g.elf").archFlags));
        assertEquals("unknown option '--lastinst': not a run option nor an option of architecture arm64 (its options:"
                + " host=vhe|nvhe (default vhe); ipa=bits (default 40))", e.getMessage());
        e = assertThrows(Main.UserException.class, () -> InstalledArchitectures.options(arm64,
                List.of("mmu=v2"), List.of()));
        assertTrue(e.getMessage().startsWith("unknown option 'mmu' of architecture arm64 (its options: host="),
                e::getMessage);
        InstalledArchitectures.Arch toy = INSTALLED.choose("test", 0, Path.of("g.elf"));
        e = assertThrows(Main.UserException.class, () -> InstalledArchitectures.options(toy, List.of("a=b"),
                List.of()));
        assertEquals("unknown option 'a' of architecture test (its options: it has none)", e.getMessage());
    }

    @Test
    void theFrameworksDescriptionIsReadFromJdkTypes() {
        InstalledArchitectures read = InstalledArchitectures.fromCatalog(List.of(java.util.Map.of("id", "arm64",
                "description", "AArch64", "elfMachine", 183, "options",
                List.of(List.of("host", "vhe|nvhe", "vhe", "host model")))));
        assertEquals("arm64", read.choose(null, 183, Path.of("g.elf")).id());
        assertTrue(read.describe().contains("-o host=vhe|nvhe (default vhe), or --host vhe|nvhe: host model"),
                read::describe);
    }

    @Test
    void badImages(@TempDir Path tmp) throws Exception {
        var e = assertThrows(Main.UserException.class, () -> ElfHeader.machine(tmp.resolve("none.elf")));
        assertTrue(e.getMessage().endsWith("none.elf: no such file"), e::getMessage);
        e = assertThrows(Main.UserException.class, () -> ElfHeader.machine(tmp));
        assertTrue(e.getMessage().contains("not a regular file"), e::getMessage);
        Path text = Files.writeString(tmp.resolve("t.elf"), "#!/bin/sh\n");
        e = assertThrows(Main.UserException.class, () -> ElfHeader.machine(text));
        assertTrue(e.getMessage().contains("not an ELF file"), e::getMessage);
        Path empty = Files.write(tmp.resolve("e.elf"), new byte[0]);
        e = assertThrows(Main.UserException.class, () -> ElfHeader.machine(empty));
        assertTrue(e.getMessage().contains("not an ELF file"), e::getMessage);
        Path badData = Files.write(tmp.resolve("d.elf"), new byte[] {0x7F, 'E', 'L', 'F', 2, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 2, 0, 1, 0});
        e = assertThrows(Main.UserException.class, () -> ElfHeader.machine(badData));
        assertTrue(e.getMessage().contains("EI_DATA"), e::getMessage);
    }

    private static final InstalledArchitectures INSTALLED_WITH_PPC = new InstalledArchitectures(List.of(
            INSTALLED.archs().get(0), new InstalledArchitectures.Arch("ppc-booke", "e500mc", 20, List.of())));

    @ParameterizedTest
    @CsvSource({"guests/arm64/hello.elf,arm64", "guests/ppc/hello.elf,ppc-booke"})
    void realGuestsAreRecognised(String guest, String arch) {
        Path elf = Path.of(System.getProperty("polyvisor.repo", "..")).resolve(guest);
        assertTrue(Files.isRegularFile(elf), "the committed guest " + elf + " is missing");
        assertEquals(arch, INSTALLED_WITH_PPC.choose(null, ElfHeader.machine(elf), elf).id());
    }
}
