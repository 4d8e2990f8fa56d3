package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The guest clock on its own: frozen while stopped, continuing from where it stopped. */
class VmClockTest {
    /** Lets host time pass: the quantity under test, not a synchronisation. */
    static void letHostTimePass(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() - end < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(end - System.nanoTime());
        }
    }

    @Test
    void aNewClockStandsAtZeroUntilStarted() {
        VmClock clock = new VmClock();
        letHostTimePass(5);
        assertEquals(0, clock.nanos());
        assertFalse(clock.isRunning());
    }

    @Test
    void stoppedTimeIsNotGuestTime() {
        VmClock clock = new VmClock();
        clock.start();
        letHostTimePass(5);
        clock.stop();
        long stopped = clock.nanos();
        assertTrue(stopped >= TimeUnit.MILLISECONDS.toNanos(5), "ran 5 ms, reads " + stopped);
        letHostTimePass(20);
        assertEquals(stopped, clock.nanos(), "a stopped clock stands still");
        clock.start();
        long resumed = clock.nanos();
        assertTrue(resumed >= stopped && resumed - stopped < TimeUnit.MILLISECONDS.toNanos(20),
                "continues from " + stopped + ", reads " + resumed + " (the 20 ms stop must not count)");
    }

    @Test
    void hostDeadlinesFollowTheGuestTime() {
        VmClock clock = new VmClock();
        clock.set(1_000_000);
        long now = System.nanoTime();
        long at = clock.hostNanosAt(3_000_000); // stopped: as if it started now
        assertTrue(at - now >= 2_000_000 && at - now < 2_000_000 + TimeUnit.MILLISECONDS.toNanos(50), "" + (at - now));
        clock.start();
        long deadline = clock.hostNanosAt(clock.nanos() + 1_000_000);
        assertTrue(deadline - System.nanoTime() <= 1_000_000, "a running clock's deadline is at most 1 ms ahead");
        assertEquals(Long.MAX_VALUE, clock.hostNanosAt(Long.MAX_VALUE), "no deadline stays no deadline");
    }

    @Test
    void setKeepsRunningOrStopped() {
        VmClock clock = new VmClock();
        clock.set(42);
        assertEquals(42, clock.nanos());
        clock.start();
        clock.set(7_000_000_000L);
        assertTrue(clock.nanos() >= 7_000_000_000L && clock.isRunning());
    }
}
