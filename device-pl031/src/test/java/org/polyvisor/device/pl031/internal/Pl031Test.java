package org.polyvisor.device.pl031.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.polyvisor.spi.StateIncompatibleException;
import org.polyvisor.spi.StateSnapshot;

class Pl031Test {
    private final AtomicLong wall = new AtomicLong(1_700_000_000_500L);
    private final Pl031 rtc = new Pl031(wall::get);

    private long rd(int off) {
        return rtc.read(off, 4);
    }

    @Test
    void countsHostUtcSecondsUntilLoadedThenRunsFromTheLoadedValue() {
        assertEquals(1_700_000_000L, rd(Pl031.DR));
        rtc.write(Pl031.LR, 4, 0x4000_0000L);
        assertEquals(0x4000_0000L, rd(Pl031.DR));
        assertEquals(0x4000_0000L, rd(Pl031.LR));
        wall.addAndGet(2_400); // x.5 s -> x+2.9 s: two whole seconds later
        assertEquals(0x4000_0002L, rd(Pl031.DR), "the counter runs on after a load");
        rtc.write(Pl031.LR, 4, 0xFFFF_FFFFL);
        wall.addAndGet(1_000);
        assertEquals(0L, rd(Pl031.DR), "a 32-bit counter wraps");
    }

    @Test
    void registersAndIdsReadAsQemusModel() {
        assertEquals(1, rd(Pl031.CR));
        rtc.write(Pl031.CR, 4, 0);
        assertEquals(1, rd(Pl031.CR), "the RTC cannot be stopped");
        rtc.write(Pl031.IMSC, 4, 0xFF);
        assertEquals(1, rd(Pl031.IMSC), "one mask bit");
        int[] ids = {0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], rd(Pl031.ID_BASE + 4 * i));
        }
        assertEquals(0, rd(Pl031.ICR), "write-only");
        assertEquals(0, rd(0x800), "reserved");
        rtc.write(Pl031.DR, 4, 5);
        assertEquals(1_700_000_000L, rd(Pl031.DR), "read-only");
    }

    @Test
    void aMatchEqualToTheCounterRaisesTheStatusAtOnceAndALaterOneWhenItIsReached() {
        rtc.write(Pl031.LR, 4, 1000);
        rtc.write(Pl031.MR, 4, 1000);
        assertEquals(1, rd(Pl031.RIS));
        assertEquals(0, rd(Pl031.MIS), "masked");
        rtc.write(Pl031.IMSC, 4, 1);
        assertEquals(1, rd(Pl031.MIS));
        rtc.write(Pl031.ICR, 4, 1);
        assertEquals(0, rd(Pl031.RIS));
        rtc.write(Pl031.MR, 4, 1003);
        wall.addAndGet(2_000);
        assertEquals(0, rd(Pl031.RIS), "two seconds of three");
        wall.addAndGet(1_000);
        assertEquals(1, rd(Pl031.RIS));
        assertEquals(1, rd(Pl031.MIS));
    }

    @Test
    void stateRoundTripsAndTheClockFollowsTheHostAfterImport() {
        rtc.write(Pl031.LR, 4, 0x1234_0000L);
        rtc.write(Pl031.MR, 4, 0x1234_0100L);
        rtc.write(Pl031.IMSC, 4, 1);
        StateSnapshot s = rtc.exportState();
        Pl031 other = new Pl031(wall::get);
        wall.addAndGet(5_000); // the swap or restore happens later
        other.importState(s);
        assertEquals(0x1234_0005L, other.read(Pl031.DR, 4));
        assertEquals(0x1234_0100L, other.read(Pl031.MR, 4));
        assertEquals(0x1234_0000L, other.read(Pl031.LR, 4));
        assertEquals(1, other.read(Pl031.IMSC, 4));
        assertEquals(s.value("tickOffset"), other.exportState().value("tickOffset"));
    }

    /** Found by HotSwapIT: a swap right after the guest cleared a due alarm must not raise it again. */
    @Test
    void aClearedAlarmStaysClearedAcrossAnImportInTheSameSecond() {
        rtc.write(Pl031.LR, 4, 500);
        rtc.write(Pl031.MR, 4, 500);
        rtc.write(Pl031.ICR, 4, 1);
        Pl031 copy = new Pl031(wall::get);
        copy.importState(rtc.exportState());
        assertEquals(500, copy.read(Pl031.DR, 4));
        assertEquals(0, copy.read(Pl031.RIS, 4));
    }

    @Test
    void foreignOrBrokenStateIsRefused() {
        assertThrows(StateIncompatibleException.class,
                () -> rtc.importState(StateSnapshot.builder("pl011", 1).build()));
        assertThrows(StateIncompatibleException.class,
                () -> rtc.importState(StateSnapshot.builder(Pl031.KIND, 2).build()));
        StateSnapshot bad = StateSnapshot.builder(Pl031.KIND, 1).value("tickOffset", 0).value("mr", 0).value("lr", 0)
                .value("im", 3).value("is", 0).value("alarmDueMillis", -1).build();
        assertThrows(StateIncompatibleException.class, () -> rtc.importState(bad));
    }

    /** Whatever the guest did, a device built from the exported state reads the same registers, now and later. */
    @Property(tries = 300)
    void anyRegisterHistorySurvivesExportAndImport(@ForAll @IntRange(min = 0, max = 7) int a,
                                                   @ForAll int v1, @ForAll @IntRange(min = 0, max = 7) int b,
                                                   @ForAll int v2, @ForAll @IntRange(min = 0, max = 5000) int ms) {
        rtc.write(a * 4L, 4, Integer.toUnsignedLong(v1));
        wall.addAndGet(ms);
        rtc.write(b * 4L, 4, Integer.toUnsignedLong(v2));
        Pl031 copy = new Pl031(wall::get);
        copy.importState(rtc.exportState());
        for (int t = 0; t < 3; t++) {
            for (int off = 0; off < 0x20; off += 4) {
                assertEquals(rtc.read(off, 4), copy.read(off, 4), "register 0x" + Integer.toHexString(off));
            }
            wall.addAndGet(700); // and the alarm fires at the same moment in both
        }
    }
}
