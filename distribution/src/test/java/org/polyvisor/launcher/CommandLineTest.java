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
        return (RunCommand) pr.subcommand().commandSpec().userObject();
    }

    @Test
    void runDefaults() {
        RunCommand run = parseRun("run", "guest.elf");
        assertEquals(128L << 20, run.mem);
        assertEquals(1, run.smp);
        assertNull(run.arch);
        assertNull(run.host);
        assertNull(run.ipa);
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
        assertEquals("nvhe", run.host);
        assertEquals(40, run.ipa);
        assertEquals(List.of("a=b", "c=d=e"), run.options);
        assertEquals(2.5, run.timeoutSeconds);
        assertEquals(List.of(Path.of("x"), Path.of("y")), run.common.extraBundles);
        assertTrue(run.common.verbose);
    }

    @ParameterizedTest
    @CsvSource({"128M,134217728", "64k,65536", "1G,1073741824", "4096,4096", "2MiB,2097152", "1T,1099511627776"})
    void sizes(String text, long bytes) {
        assertEquals(bytes, new RunCommand.SizeConverter().convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "0", "-4K", "12Q", "1.5G", "99999999999T"})
    void badSizes(String text) {
        assertThrows(CommandLine.TypeConversionException.class, () -> new RunCommand.SizeConverter().convert(text));
    }

    @Test
    void badArgumentsExitTwo() {
        for (String[] args : List.of(new String[] {"run"}, new String[] {"run", "--smp", "0", "x.elf"},
                new String[] {"run", "--host", "x", "x.elf"}, new String[] {"run", "-o", "k", "x.elf"},
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
        assertEquals("arm64", RunCommand.ElfHeader.checkAndInferArch(header(tmp, false, 183)));
        assertEquals("ppc-booke", RunCommand.ElfHeader.checkAndInferArch(header(tmp, true, 20)));
        assertNull(RunCommand.ElfHeader.checkAndInferArch(header(tmp, false, 0x7079)));
        assertEquals(0x7079, RunCommand.ElfHeader.machine(header(tmp, true, 0x7079)));
    }

    @Test
    void badImages(@TempDir Path tmp) throws Exception {
        var e = assertThrows(Main.UserException.class, () -> RunCommand.ElfHeader.machine(tmp.resolve("none.elf")));
        assertTrue(e.getMessage().endsWith("none.elf: no such file"), e::getMessage);
        e = assertThrows(Main.UserException.class, () -> RunCommand.ElfHeader.machine(tmp));
        assertTrue(e.getMessage().contains("not a regular file"), e::getMessage);
        Path text = Files.writeString(tmp.resolve("t.elf"), "#!/bin/sh\n");
        e = assertThrows(Main.UserException.class, () -> RunCommand.ElfHeader.machine(text));
        assertTrue(e.getMessage().contains("not an ELF file"), e::getMessage);
        Path empty = Files.write(tmp.resolve("e.elf"), new byte[0]);
        e = assertThrows(Main.UserException.class, () -> RunCommand.ElfHeader.machine(empty));
        assertTrue(e.getMessage().contains("not an ELF file"), e::getMessage);
        Path badData = Files.write(tmp.resolve("d.elf"), new byte[] {0x7F, 'E', 'L', 'F', 2, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 2, 0, 1, 0});
        e = assertThrows(Main.UserException.class, () -> RunCommand.ElfHeader.machine(badData));
        assertTrue(e.getMessage().contains("EI_DATA"), e::getMessage);
    }

    @ParameterizedTest
    @CsvSource({"guests/arm64/hello.elf,arm64", "guests/ppc/hello.elf,ppc-booke"})
    void realGuestsAreRecognised(String guest, String arch) {
        Path elf = Path.of(System.getProperty("polyvisor.repo", "..")).resolve(guest);
        assertTrue(Files.isRegularFile(elf), "the committed guest " + elf + " is missing");
        assertEquals(arch, RunCommand.ElfHeader.checkAndInferArch(elf));
    }
}
