package com.example.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code hvcticker} prints when nothing was lost: line k is a function of k alone. */
final class Ticker {
    private Ticker() {
    }

    /**
     * Checks every line and returns the rounds the guest ran.
     *
     * @param console the guest's whole console output
     * @return the rounds from the last line
     */
    static long checkComplete(String console) {
        String[] lines = console.split("\n", -1);
        assertTrue(lines.length >= 2 && lines[lines.length - 1].isEmpty(), "no complete last line:\n" + console);
        int ticks = lines.length - 2;
        for (int k = 0; k < ticks; k++) {
            long round = 1024L * k + 1023;
            String expected = String.format("tick %d sum=%016x", round, (round + 1) * 0x1_0001L);
            assertEquals(expected, lines[k], "line " + (k + 1) + " of the console");
        }
        long rounds = 1024L * ticks;
        assertEquals("hvcticker done rounds=" + rounds, lines[ticks], "the last line");
        return rounds;
    }
}
