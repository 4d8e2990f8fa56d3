package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.VirtualTimer;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.testkit.Await;
import org.polyvisor.testkit.ManualClock;

/**
 * The generic timer counts the VM's guest time (QEMU's arm_gt on QEMU_CLOCK_VIRTUAL): on a guest clock the test holds
 * while host time passes - the framework's pause - the guest's CNTVCT_EL0 stands still, and after the clock moves on -
 * the resume - it has advanced by exactly the 62.5 MHz ticks of the guest time that passed. A counter that read the
 * host clock would show the paused host time (or a host-sized value at the first read). The virtual timer's deadline
 * is guest time as well, so a WFI sleeps until the VM's guest clock reaches it, however long the VM is paused.
 */
class GuestTimeCounterTest {
    private static final long START_NANOS = 1_000_000L;
    private static final long PAUSE_NANOS = 20_000_000L;

    private static long x(TestMachine m, int reg) {
        return m.vcpu(0).registers().get("x" + reg);
    }

    private static void stepToHvc(TestMachine m) {
        Exit e = m.runner().step();
        assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, e, "exit " + e).exitClass());
    }

    @ParameterizedTest(name = "host={0}")
    @ValueSource(strings = {"vhe", "nvhe"})
    void counterStandsStillWhilePausedAndContinuesAfterResume(String host) {
        ManualClock clock = new ManualClock(START_NANOS);
        try (TestMachine m = new TestMachine(new Arm64Architecture(), host, 1, clock)) {
            m.load(TestMachine.RAM, new A64().mrs(0, "CNTVCT_EL0").hvc().mrs(1, "CNTVCT_EL0").hvc()
                    .mrs(2, "CNTVCT_EL0").hvc().code());
            stepToHvc(m);
            long ticksAtStart = START_NANOS / VirtualTimer.NANOS_PER_TICK;
            assertEquals(ticksAtStart, x(m, 0), "CNTVCT after 1 ms of guest time (CNTVOFF 0 from VM creation)");

            long pausedAt = System.nanoTime();
            Await.until("host time to pass 20 ms while guest time stands", () -> System.nanoTime() - pausedAt
                    >= PAUSE_NANOS, Duration.ofSeconds(10), () -> (System.nanoTime() - pausedAt) + " ns passed");
            stepToHvc(m);
            assertEquals(ticksAtStart, x(m, 1), "CNTVCT moved while guest time stood still (host time leaked in)");

            clock.advance(1_600); // 100 ticks of guest time
            stepToHvc(m);
            assertEquals(ticksAtStart + 100, x(m, 2), "CNTVCT after 1.6 us more guest time");
        }
    }

    @ParameterizedTest(name = "host={0}")
    @ValueSource(strings = {"vhe", "nvhe"})
    void wfiSleepsUntilGuestTimeReachesTheTimer(String host) {
        ManualClock clock = new ManualClock(START_NANOS);
        try (TestMachine m = new TestMachine(new Arm64Architecture(), host, 1, clock)) {
            Cpu cpu = m.vcpu(0).cpu();
            long ticksAtStart = START_NANOS / VirtualTimer.NANOS_PER_TICK;
            // enable the virtual timer 100 ticks ahead, then exit so the test can look at its deadline
            m.load(TestMachine.RAM, new A64().mov(1, ticksAtStart + 100).msr("CNTV_CVAL_EL0", 1).mov(1, 1)
                    .msr("CNTV_CTL_EL0", 1).hvc().code());
            stepToHvc(m);
            m.vcpu(0).withGuestView(() -> {
                VirtualTimer timer = new VirtualTimer(cpu);
                assertEquals(START_NANOS + 1_600, timer.deadline(0), "guest time at which the timer fires");
                assertEquals(Long.MAX_VALUE, cpu.counter.hostNanosAt(timer.deadline(0)),
                        "the host deadline of a WFI while guest time stands: none, it waits for a kick");
                clock.advance(1_600);
                assertEquals(START_NANOS + 1_600, timer.deadline(0), "a due timer's deadline is now");
            });
        }
    }

    /**
     * Version 2 of the vCPU state kept CNTVOFF on the old JVM-wide host counter; it still imports, and the guest's
     * virtual count continues from the VM's restored guest time (the machine's own CNTVOFF, 0 since VM creation).
     */
    @Test
    void aVersion2StateStillImportsAndCountsFromGuestTime() {
        ManualClock clock = new ManualClock(START_NANOS);
        Arm64Architecture arch = new Arm64Architecture();
        int[] code = new A64().hvc().mrs(0, "CNTVCT_EL0").hvc().code();
        try (TestMachine saved = new TestMachine(arch, "vhe", 1, clock);
             TestMachine restored = new TestMachine(arch, "vhe", 1, clock)) {
            saved.load(TestMachine.RAM, code);
            stepToHvc(saved);
            StateSnapshot current = saved.vcpu(0).exportState();
            assertEquals(0, current.value("hyp.cntvoff"), "CNTVOFF on guest time");
            assertEquals(0, current.value("CNTVOFF_EL2"), "the CNTVOFF_EL2 register in the guest view");
            TreeMap<String, Long> values = new TreeMap<>(current.values());
            values.put("hyp.cntvoff", 123_456_789L); // a host-counter value as version 2 wrote it, twice
            values.put("CNTVOFF_EL2", 123_456_789L);
            StateSnapshot v2 = new StateSnapshot(current.kind(), 2, values, current.blobs(), current.children());

            restored.load(TestMachine.RAM, code);
            restored.vcpu(0).importState(v2);
            clock.advance(1_600);
            stepToHvc(restored);
            assertEquals(START_NANOS / VirtualTimer.NANOS_PER_TICK + 100, x(restored, 0),
                    "CNTVCT after a version 2 state was imported: guest time, not the old host counter's CNTVOFF");
        }
    }
}
