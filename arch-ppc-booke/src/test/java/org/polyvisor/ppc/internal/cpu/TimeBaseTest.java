package org.polyvisor.ppc.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The time base's arithmetic on guest time: 400 MHz exactly, and deadlines that invert it without overflowing. */
class TimeBaseTest {
    @Test
    void countsTwoTicksEveryFiveNanoseconds() {
        assertEquals(0, TimeBase.ticksOf(0));
        assertEquals(0, TimeBase.ticksOf(2));
        assertEquals(1, TimeBase.ticksOf(3));
        assertEquals(2, TimeBase.ticksOf(5));
        assertEquals(TimeBase.HZ, TimeBase.ticksOf(1_000_000_000L));
        assertEquals(Long.MAX_VALUE / 5 * 2 + Long.MAX_VALUE % 5 * 2 / 5, TimeBase.ticksOf(Long.MAX_VALUE));
    }

    /** guestNanosAt(t) is the first guest nanosecond at which the time base reads at least t. */
    @Property
    void theDeadlineIsTheFirstGuestNanosecondThatReachesTheTicks(
            @ForAll @LongRange(min = 0, max = 1L << 50) long guestNow,
            @ForAll @LongRange(min = -(1L << 40), max = 1L << 40) long offset,
            @ForAll @LongRange(min = 0, max = 1L << 45) long ahead) {
        AtomicLong clock = new AtomicLong(guestNow);
        TimeBase tb = new TimeBase(clock::get);
        tb.offset(offset);
        long target = tb.now() + ahead;
        long at = tb.guestNanosAt(target);
        clock.set(at);
        assertTrue(tb.now() >= target, "reads " + tb.now() + " at " + at + " ns, wanted " + target);
        if (at > 0) {
            clock.set(at - 1);
            assertTrue(tb.now() < target, "already " + tb.now() + " at " + (at - 1) + " ns, wanted " + target);
        }
    }

    @Test
    void aDeadlineBeyondAnyGuestTimeIsNever() {
        TimeBase tb = new TimeBase(() -> 0L);
        tb.offset(-5);
        assertEquals(Long.MAX_VALUE, tb.guestNanosAt(Long.MAX_VALUE));
        tb.offset(Long.MIN_VALUE + 10);
        assertEquals(Long.MAX_VALUE, tb.guestNanosAt(Long.MAX_VALUE - 1), "ticks - offset overflows");
    }
}
