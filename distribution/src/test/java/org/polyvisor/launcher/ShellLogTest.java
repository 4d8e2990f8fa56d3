package org.polyvisor.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which lines of the shell's log file are echoed on the console. */
class ShellLogTest {
    @Test
    void warningsAndErrorsShowInfoDoesNot() {
        assertTrue(ShellLog.loud("[FelixStartLevel] WARN org.polyvisor.X - slow\n"));
        assertTrue(ShellLog.loud("[pipe-pv:create -a arm64 g.elf] ERROR org.polyvisor.X - failed\n"));
        assertFalse(ShellLog.loud("[pipe-pv:create -a arm64 g.elf] INFO org.polyvisor.X - VM 1 created\n"));
        assertFalse(ShellLog.loud("[FelixStartLevel] DEBUG org.polyvisor.X - detail\n"));
        assertFalse(ShellLog.loud("\tat org.polyvisor.X.run(X.java:1)\n"));
    }
}
