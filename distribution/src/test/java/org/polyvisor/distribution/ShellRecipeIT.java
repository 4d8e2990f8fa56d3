package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.testkit.Await;

/**
 * The README's shell recipes typed into a real {@code bin/polyvisor shell}, one line at a time, each answer checked:
 * create, start, list, pause, Felix {@code update} of the arm64 bundle, {@code pv:refresh}, {@code pv:swap}, save,
 * restore, resume, and the guests' output against QEMU's; then the error answers and {@code exit}.
 */
class ShellRecipeIT {
    private static final String GUEST = "arm64/swapload";

    @Test
    void readmeRecipesAnswerWithoutExceptions(@TempDir Path tmp) throws Exception {
        Path arm64 = Dist.level5Jar("polyvisor-arch-arm64");
        assertTrue(arm64 != null && Dist.isComponentBundle(arm64), "no arm64 bundle in " + Dist.HOME);
        Path jar = Files.copy(arm64, tmp.resolve("arm64-new.jar"));
        Path snap = tmp.resolve("vm.pvsnap");
        String expected = Dist.golden(GUEST);
        try (ShellProcess shell = new ShellProcess(List.of())) {
            assertOk(shell.type("pv:archs"), "arm64");
            assertOk(shell.type("pv:create -a arm64 " + Dist.guest(GUEST)), "VM 1 created");
            assertOk(shell.type("pv:start 1"), "VM 1 started");
            assertOk(shell.type("pv:pause 1"), "VM 1 paused");
            assertOk(shell.type("pv:list"), "PAUSED");

            ShellProcess.Answer lb = assertOk(shell.type("lb"), "Polyvisor");
            Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|Active.*(Arm64|arm64|AArch64)").matcher(lb.out());
            assertTrue(m.find(), "no arm64 bundle line in lb:\n" + lb);
            String id = m.group(1);
            assertOk(shell.type("update " + id + " " + jar.toUri()), "");
            // Felix drops the old revision at once when no other bundle is wired to it: both answers are right
            ShellProcess.Answer pending = assertOk(shell.type("pv:refresh"), "");
            assertTrue(pending.out().contains("refreshed") || pending.out().contains("nothing to refresh"),
                    pending::toString);
            assertOk(shell.type("pv:refresh org.polyvisor.arch.arm64"),
                    "refreshed " + id + " org.polyvisor.arch.arm64");
            assertOk(shell.type("pv:swap org.polyvisor.arch.arm64 " + jar), "org.polyvisor.arch.arm64");

            // What VM 1 printed before the pause (none, or its first lines: the pause races with the guest) is in
            // its console, not in the snapshot; VM 2 restored from it prints the rest.
            String printedBeforeSave = console(shell, 1);
            assertTrue(expected.startsWith(printedBeforeSave), "VM 1 printed before its save:\n" + printedBeforeSave);
            assertOk(shell.type("pv:save 1 " + snap), "");
            assertTrue(Files.size(snap) > 0, "pv:save wrote nothing to " + snap);
            assertOk(shell.type("pv:restore " + snap), "VM 2 restored (paused)");
            assertOk(shell.type("pv:resume 1"), "VM 1 resumed");
            assertOk(shell.type("pv:resume 2"), "VM 2 resumed");
            for (int vm : new int[] {1, 2}) {
                Await.until("VM " + vm + " to finish " + GUEST, () -> console(shell, vm).contains("swapload done"),
                        Duration.ofSeconds(120), Duration.ofMillis(500), () -> console(shell, vm));
                String before = vm == 1 ? "" : printedBeforeSave;
                assertEquals(expected, before + console(shell, vm), "console of VM " + vm
                        + (vm == 1 ? "" : " after what VM 1 had printed when it was saved"));
            }

            ShellProcess.Answer help = assertOk(shell.type("help pv:swap"), "replace a bundle with a jar");
            assertTrue(help.out().contains("path of the new jar"), help::toString);
            assertFails(shell, shell.type("pv:start 99"), "pv:start: no VM 99 (pv:list shows the VMs)");
            Path corrupt = Files.write(tmp.resolve("corrupt.pvsnap"), new byte[] {'P', 'V', 1, 2, 3});
            assertFails(shell, shell.type("pv:restore " + corrupt), corrupt + ": not a Polyvisor snapshot");
            assertFails(shell, shell.type("pv:restore " + tmp.resolve("missing.pvsnap")),
                    "missing.pvsnap: no such file");
            assertFails(shell, shell.type("pv:swap no.such.bundle " + jar), "no bundle 'no.such.bundle'");

            assertEquals(3, shell.exit(3), "exit 3 is the process's status");
            assertFalse(shell.stdout().contains("Exception"), "stdout after exit:\n" + shell.stdout());
            assertFalse(shell.stderr().contains("Exception"), "stderr after exit:\n" + shell.stderr());
            assertFalse(shell.stderr().contains(" INFO "), "info lines belong in the log file:\n" + shell.stderr());
            // typed at a shell whose input stays open, as an operator does: no Gogo farewell, and the prompt Gogo
            // prints after `exit` returns gets its line end from the launcher
            assertFalse(shell.stdout().contains("gosh:"), "stdout after exit:\n" + shell.stdout());
            assertTrue(shell.stdout().endsWith("\n"), "the last prompt's line is not ended:\n" + shell.stdout());
        }
    }

    private static String console(ShellProcess shell, int vm) {
        try {
            return shell.type("pv:console " + vm).out().replaceFirst("\\R$", "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ShellProcess.Answer assertOk(ShellProcess.Answer a, String expected) {
        assertFalse(a.out().contains("gogo:") || a.err().contains("gogo:"), a::toString);
        assertTrue(a.err().isBlank(), "unexpected stderr:\n" + a);
        assertTrue(a.out().contains(expected), "expected '" + expected + "' in:\n" + a);
        return a;
    }

    private static void assertFails(ShellProcess shell, ShellProcess.Answer a, String expected) {
        String err = shell.awaitStderr(expected);
        assertFalse(a.out().contains("gogo:") || err.contains("Exception"), a + "\n" + err);
    }
}
