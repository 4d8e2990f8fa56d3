package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.ppc.internal.LocalVm;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.testkit.ManualClock;

/**
 * The time base in the vCPU snapshot: version 2 keeps its offset to guest time (the framework restores guest time
 * itself); a version 1 snapshot, which kept the counter, still imports and the counter continues from its value.
 */
class TimeBaseSnapshotTest {
    @Test
    void theOffsetToGuestTimeTravelsAndTheCounterFollowsTheRestoredClock() {
        try (LocalVm a = new LocalVm(GuestRun.elf("hello"), Map.of(), new ManualClock(10_000L))) {
            a.vcpu.cpu().timeBase.set(1_000_000L);
            StateSnapshot s = a.vcpu.exportState();
            assertEquals(2, s.version());
            assertEquals(1_000_000L - 4_000L, s.value("tb.offset"), "offset to 10 us of guest time");
            assertFalse(s.values().containsKey("tb"), "version 2 keeps no counter");
            // the framework restores the saved guest time before the vCPU imports; here it is the same 10 us
            try (LocalVm b = new LocalVm(null, Map.of(), new ManualClock(10_000L))) {
                b.vcpu.importState(s);
                assertEquals(1_000_000L, b.vcpu.cpu().timeBase.now());
            }
        }
    }

    @Test
    void aVersion1SnapshotContinuesFromItsCounter() {
        try (LocalVm a = new LocalVm(GuestRun.elf("hello"), Map.of(), new ManualClock(0))) {
            StateSnapshot v2 = a.vcpu.exportState();
            TreeMap<String, Long> values = new TreeMap<>(v2.values());
            values.remove("tb.offset");
            values.put("tb", 123_456_789L); // version 1: the counter itself
            StateSnapshot v1 = new StateSnapshot(v2.kind(), 1, values, v2.blobs(), v2.children());
            // a file of the format before the framework saved the clock restores at guest time 0; a later one at
            // its saved guest time: either way the counter continues from the saved value
            ManualClock restored = new ManualClock(7_500L);
            try (LocalVm b = new LocalVm(null, Map.of(), restored)) {
                b.vcpu.importState(v1);
                assertEquals(123_456_789L, b.vcpu.cpu().timeBase.now());
                restored.advance(5L);
                assertEquals(123_456_791L, b.vcpu.cpu().timeBase.now(), "2 ticks per 5 ns of guest time");
            }
        }
    }
}
