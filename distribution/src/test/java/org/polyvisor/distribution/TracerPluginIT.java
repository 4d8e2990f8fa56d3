package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.polyvisor.testkit.Await;

/**
 * The third-party sample plugin (samples/hypercall-tracer, as SampleBuildIT built it from the published SDK alone) in
 * a real Felix, typed into {@code bin/polyvisor shell}: an arm64 VM runs {@code hvcticker}, which keeps making PSCI
 * calls; the tracer bundle is installed and started from the shell and sees that VM's calls; then it is stopped
 * and uninstalled while the VM keeps running. The guest's output must be complete, as in an uninterrupted run: every
 * line is a function of its number (the sum of every PSCI answer so far), so a lost, repeated or changed call shows.
 */
class TracerPluginIT {
    private static final Path TRACER = Dist.REPO.resolve(
            "samples/target/outside/hypercall-tracer/target/hypercall-tracer-1.0.0.jar");
    private static final Pattern TRACED = Pattern.compile("VM 1: (\\d+) hypercalls");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theTracerComesAndGoesUnderARunningVmAndTheGuestNeverNotices() throws Exception {
        assertTrue(Files.isRegularFile(TRACER), "no " + TRACER + ": the samples module builds it (SampleBuildIT);"
                + " run ./mvnw verify, or -pl distribution -am (the distribution depends on polyvisor-samples)");
        try (ShellProcess shell = new ShellProcess(List.of())) {
            ok(shell.type("pv:create -a arm64 " + Dist.guest("arm64/hvcticker")), "VM 1 created");
            ok(shell.type("pv:start 1"), "VM 1 started");
            awaitTicks(shell, 2, "the guest to run before the tracer comes");

            ShellProcess.Answer installed = ok(shell.type("felix:install " + TRACER.toUri()), "Bundle ID");
            Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(installed.out());
            assertTrue(id.find(), installed::toString);
            ok(shell.type("felix:start " + id.group(1)), "");
            Await.until("the tracer to see 200 calls of VM 1", () -> traced(shell) >= 200, WAIT,
                    () -> show(shell));
            String shown = show(shell);
            assertTrue(shown.contains("HVC64 PSCI_VERSION") && shown.contains("HVC64 PSCI_FEATURES"), shown);
            assertTrue(shown.contains("= 0x10001"), "PSCI_VERSION's answer in the recent calls:\n" + shown);
            ok(shell.type("pv:list"), "RUNNING");

            int atStop = ticks(shell);
            ok(shell.type("felix:stop " + id.group(1)), "");
            awaitTicks(shell, atStop + 3, "the guest to run on after the tracer stopped");
            int atUninstall = ticks(shell);
            ok(shell.type("felix:uninstall " + id.group(1)), "");
            awaitTicks(shell, atUninstall + 3, "the guest to run on after the tracer was uninstalled");
            ok(shell.type("pv:list"), "RUNNING");

            ok(shell.type("pv:type 1 q"), "");
            Await.until("hvcticker to end after 'q'", () -> console(shell).contains("hvcticker done"), WAIT,
                    () -> console(shell));
            checkComplete(console(shell));
            assertFalse(shell.stderr().contains("Exception"), "stderr:\n" + shell.stderr());
            ShellProcess.Answer bundles = ok(shell.type("felix:lb"), "Polyvisor");
            assertFalse(bundles.out().contains("tracer"), "the tracer bundle is still installed:\n" + bundles);
            assertEquals(0, shell.exit(0));
        }
    }

    /** hvcticker's output when nothing was lost: line k is "tick (1024k+1023) sum=HEX" with HEX a function of k. */
    private static void checkComplete(String console) {
        String[] lines = console.split("\n", -1);
        assertTrue(lines.length >= 2, console);
        int ticks = lines.length - 2;
        for (int k = 0; k < ticks; k++) {
            long round = 1024L * k + 1023;
            assertEquals(String.format("tick %d sum=%016x", round, (round + 1) * 0x1_0001L), lines[k],
                    "line " + (k + 1) + " of VM 1's console");
        }
        assertEquals("hvcticker done rounds=" + 1024L * ticks, lines[ticks], "the last line of VM 1's console");
    }

    private static void awaitTicks(ShellProcess shell, int atLeast, String what) {
        Await.until(what + " (" + atLeast + " tick lines)", () -> ticks(shell) >= atLeast, WAIT,
                () -> console(shell));
    }

    private static int ticks(ShellProcess shell) {
        String c = console(shell);
        int n = 0;
        for (int i = c.indexOf("tick "); i >= 0; i = c.indexOf("tick ", i + 1)) {
            n++;
        }
        return n;
    }

    private static long traced(ShellProcess shell) {
        Matcher m = TRACED.matcher(show(shell));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String show(ShellProcess shell) {
        return type(shell, "tracer:show 1 5").out();
    }

    private static String console(ShellProcess shell) {
        return type(shell, "pv:console 1").out().replaceFirst("\\R$", "");
    }

    private static ShellProcess.Answer type(ShellProcess shell, String command) {
        try {
            return shell.type(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The command answered without an error. (Felix's commands are typed with their scope: a bare {@code stop N} or
     * {@code start N} is ambiguous next to pv:stop and pv:start, and Gogo may pick the VM command.)
     */
    private static ShellProcess.Answer ok(ShellProcess.Answer a, String expected) {
        assertFalse(a.out().contains("gogo:") || a.err().contains("gogo:"), a::toString);
        assertTrue(a.err().isBlank(), "unexpected stderr:\n" + a);
        assertTrue(a.out().contains(expected), "expected '" + expected + "' in:\n" + a);
        return a;
    }
}
