package org.polyvisor.launcher;

/** Which bundles the launcher installs. */
public enum Mode {
    /** Every bundle including the interactive Gogo shell ({@code g!} prompt on the console). */
    SHELL,
    /**
     * Every bundle except the Gogo shell: nothing reads stdin or prints a prompt. Used by {@code polyvisor run}
     * and by embedders (tests reach Gogo through the {@code CommandProcessor} service, which is still there).
     */
    HEADLESS
}
