package org.polyvisor.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which lines of the shell's log file are echoed on the console, and which file each shell writes. */
class ShellLogTest {
    @Test
    void warningsAndErrorsShowInfoDoesNot() {
        assertTrue(ShellLog.loud("[FelixStartLevel] WARN org.polyvisor.X - slow\n"));
        assertTrue(ShellLog.loud("[pipe-pv:create -a arm64 g.elf] ERROR org.polyvisor.X - failed\n"));
        assertFalse(ShellLog.loud("[pipe-pv:create -a arm64 g.elf] INFO org.polyvisor.X - VM 1 created\n"));
        assertFalse(ShellLog.loud("[FelixStartLevel] DEBUG org.polyvisor.X - detail\n"));
        assertFalse(ShellLog.loud("\tat org.polyvisor.X.run(X.java:1)\n"));
    }

    @Test
    void aSecondShellGetsItsOwnLogAndLeavesTheFirstOnesAlone(@TempDir Path tmp) throws Exception {
        Path preferred = tmp.resolve("polyvisor-shell.log");
        Path first = ShellLog.claim(preferred);
        assertEquals(preferred, first);
        Files.writeString(first, "[main] INFO first shell\n");

        Path second = ShellLog.claim(preferred);
        assertNotEquals(first, second, "two shells write one log file");
        assertEquals(tmp, second.getParent(), "the second shell's log is not next to the first: " + second);
        assertEquals("[main] INFO first shell\n", Files.readString(first), "the second shell emptied the first's log");
        assertEquals("", Files.readString(second));
    }
}
