package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.ppc.internal.LocalVm;
import org.polyvisor.testkit.Await;
import org.polyvisor.testkit.ManualClock;

/**
 * The guest's time base and decrementer count guest time (MachineContext.clock()), never host time: on a guest clock
 * the test holds still, host time passes (a pause as the framework makes one) and the guest reads the same values;
 * when the clock moves on, they move by exactly its ticks (400 MHz: 2 ticks per 5 ns).
 */
class GuestTimeBaseTest {
    /** mftb r3 ; mftbu r4 ; sc 1 ; b .-12: each HV_SYSCALL exit shows a time base reading in r4:r3. */
    private static final int[] READ_TB = {0x7C6C_42E6, 0x7C8D_42E6, 0x4400_0022, 0x4BFF_FFF4};
    /** li r5,0x7000 ; mtdec r5 ; mfdec r3 ; sc 1 ; b .-8: DEC loaded once, then read before each exit. */
    private static final int DEC_LOADED = 0x7000;
    private static final int[] READ_DEC = {0x38A0_0000 | DEC_LOADED, 0x7CB6_03A6, 0x7C76_02A6, 0x4400_0022,
        0x4BFF_FFF8};
    /** Host time that passes during the "pause": 8,000,000 ticks if the time base read the host clock. */
    private static final long PAUSE_NANOS = 20_000_000L;

    private static LocalVm vmWith(ManualClock clock, int... words) {
        LocalVm vm = new LocalVm(GuestRun.elf("hello"), Map.of(), clock);
        for (int i = 0; i < words.length; i++) {
            vm.memory.write(HypervisorExitTest.CODE + 4L * i, 4, words[i] & 0xFFFF_FFFFL, ByteOrder.BIG_ENDIAN);
        }
        vm.vcpu.cpu().pc = HypervisorExitTest.CODE;
        return vm;
    }

    /** Runs to the next hypercall exit and returns the guest's r4:r3. */
    private static long r4r3AtNextHypercall(LocalVm vm) {
        PpcExit e = assertInstanceOf(PpcExit.class, vm.next());
        assertEquals("HV_SYSCALL", e.exitClass());
        int[] gpr = vm.vcpu.cpu().gpr;
        return (long) gpr[4] << 32 | gpr[3] & 0xFFFF_FFFFL;
    }

    /** Lets {@code nanos} of host time pass, waiting on the host clock itself (the observable condition). */
    private static void hostTimePasses(long nanos) {
        long start = System.nanoTime();
        Await.until("host time to advance by " + nanos / 1_000_000 + " ms", () -> System.nanoTime() - start >= nanos,
                Duration.ofSeconds(10), () -> (System.nanoTime() - start) / 1_000_000 + " ms passed");
    }

    @Test
    void timeBaseStandsStillWhileGuestTimeDoesAndContinuesWithIt() {
        ManualClock clock = new ManualClock(1_000_000L); // guest time 1 ms: 400,000 ticks
        try (LocalVm vm = vmWith(clock, READ_TB)) {
            long first = r4r3AtNextHypercall(vm);
            assertEquals(400_000L, first, "time base at guest time 1 ms");

            hostTimePasses(PAUSE_NANOS);
            assertEquals(first, r4r3AtNextHypercall(vm), "the time base moved while guest time stood still:"
                    + " it reads host time");

            clock.advance(2_000_000L);
            assertEquals(first + 800_000L, r4r3AtNextHypercall(vm), "time base 2 ms of guest time later");
        }
    }

    @Test
    void decrementerStandsStillWhileGuestTimeDoesAndCountsDownWithIt() {
        ManualClock clock = new ManualClock(5_000_000L);
        try (LocalVm vm = vmWith(clock, READ_DEC)) {
            assertEquals(DEC_LOADED, r4r3AtNextHypercall(vm) & 0xFFFF_FFFFL, "DEC right after loading it");

            hostTimePasses(PAUSE_NANOS);
            assertEquals(DEC_LOADED, r4r3AtNextHypercall(vm) & 0xFFFF_FFFFL, "DEC moved while guest time stood still");

            clock.advance(1_000L); // 400 ticks
            assertEquals(DEC_LOADED - 400, r4r3AtNextHypercall(vm) & 0xFFFF_FFFFL, "DEC 1 us of guest time later");
        }
    }

    @Test
    void aGuestWriteSetsTheTimeBaseRelativeToGuestTime() {
        ManualClock clock = new ManualClock(0);
        try (LocalVm vm = vmWith(clock, READ_TB)) {
            vm.vcpu.cpu().timeBase.set(0x1_0000_0000L);
            assertEquals(0x1_0000_0000L, r4r3AtNextHypercall(vm));
            clock.advance(5L);
            assertEquals(0x1_0000_0002L, r4r3AtNextHypercall(vm), "2 ticks per 5 ns from the written value");
            assertEquals(0x1_0000_0000L, vm.vcpu.cpu().timeBase.offset(), "offset to guest time 0");
        }
    }
}
