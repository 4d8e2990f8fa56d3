package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmState;
import org.polyvisor.ppc.internal.cpu.TimeBase;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.Await;
import org.polyvisor.testkit.Golden;

/**
 * A whole VM through the framework's VM manager, paused mid-run for a measurable host time: the guest's time base
 * stands still with the VM's guest clock (QEMU's vm_stop) and, after the resume, has moved by exactly the ticks of
 * the guest time that passed while the VM ran, none of the paused host time. The guest finishes unchanged.
 */
class PauseTimeBaseTest {
    private static final long PAUSE_NANOS = 50_000_000L;

    private static long timeBase(StandaloneHypervisor hv, int id) {
        return hv.vms().registers(id).get(0).get("tb");
    }

    @Test
    void thePausedHostTimeNeverReachesTheTimeBase() throws Exception {
        // swapload computes for about a second: long enough to pause it twice
        var run = GuestRun.runner().run(GuestRun.elf("swapload"), Duration.ofSeconds(60), (hv, id) -> {
            Await.atLeast("guest instructions", () -> hv.instructionsRetired(id), 1_000_000, Duration.ofSeconds(30));
            hv.vms().pause(id);
            assertEquals(VmState.PAUSED, hv.vms().info(id).state(), "the guest must still run when paused");
            long guest1 = hv.guestNanos(id);
            long tb1 = timeBase(hv, id);

            long start = System.nanoTime();
            Await.until("host time to advance by 50 ms", () -> System.nanoTime() - start >= PAUSE_NANOS,
                    Duration.ofSeconds(10), () -> (System.nanoTime() - start) / 1_000_000 + " ms passed");
            assertEquals(guest1, hv.guestNanos(id), "guest time moved while the VM was paused");
            assertEquals(tb1, timeBase(hv, id), "the time base moved while the VM was paused");

            hv.vms().resume(id);
            Await.until("guest time to move on by 1 ms", () -> hv.guestNanos(id) - guest1 >= 1_000_000,
                    Duration.ofSeconds(30), () -> "guest time " + hv.guestNanos(id) + " ns, paused at " + guest1);
            hv.vms().pause(id);
            long guest2 = hv.guestNanos(id);
            long tb2 = timeBase(hv, id);
            assertEquals(TimeBase.ticksOf(guest2) - TimeBase.ticksOf(guest1), tb2 - tb1,
                    "time base ticks between the pauses (" + TimeBase.HZ + " Hz of " + (guest2 - guest1)
                            + " ns guest time; the 50 ms pause would be " + TimeBase.ticksOf(PAUSE_NANOS) + " more)");
            hv.vms().resume(id);
        });
        assertEquals(VmState.STOPPED, run.info().state(), run.info().error());
        Golden.assertSameBytes(Golden.expected(GuestRun.elf("swapload")), run.console(), "swapload with two pauses");
    }
}
