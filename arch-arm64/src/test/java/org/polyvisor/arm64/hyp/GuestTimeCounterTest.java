package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.VirtualTimer;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.InterruptController;
import org.polyvisor.arm64.internal.hyp.IrqLine;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.Blocking;
import org.polyvisor.arm64.testing.CpuHarness;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.testkit.ManualClock;
import org.polyvisor.testkit.Await;

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
            Await.until("host time to pass 20 ms while guest time stands",
                    () -> System.nanoTime() - pausedAt >= PAUSE_NANOS, Blocking.TIMEOUT,
                    () -> (System.nanoTime() - pausedAt) + " ns passed");
            stepToHvc(m);
            assertEquals(ticksAtStart, x(m, 1), "CNTVCT moved while guest time stood still (host time leaked in)");

            clock.advance(1_600); // 100 ticks of guest time
            stepToHvc(m);
            assertEquals(ticksAtStart + 100, x(m, 2), "CNTVCT after 1.6 us more guest time");
        }
    }

    @ParameterizedTest(name = "host={0}")
    @ValueSource(strings = {"vhe", "nvhe"})
    void theTimerDeadlineIsGuestTime(String host) {
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
     * A WFI with the virtual timer due 100 ticks ahead sleeps through any amount of host time while guest time stands
     * (the timer's output stays low), and wakes on the timer once guest time has reached it and the vCPU is kicked, as
     * the framework kicks the vCPUs of a VM it resumes. The interrupt controller here passes PPI 27 straight to the
     * vCPU's IRQ line, so the guest needs no GIC set-up; IRQs stay masked, and WFI wakes all the same.
     */
    @Test
    void wfiSleepsUntilGuestTimeReachesTheTimer() throws Exception {
        ManualClock clock = new ManualClock(START_NANOS);
        try (CpuHarness h = new CpuHarness(clock)) {
            AtomicBoolean timerOutput = new AtomicBoolean();
            IrqLine[] line = new IrqLine[1];
            Arm64Vcpu v = new Arm64Vcpu(0, h.core, new InterruptController() {
                @Override
                public void connect(int cpu, IrqLine l) {
                    line[0] = l;
                }

                @Override
                public void setLevel(int cpu, int intid, boolean level) {
                    if (intid == VirtualTimer.PPI) {
                        timerOutput.set(level);
                        line[0].set(level);
                    }
                }
            });
            h.load(CpuHarness.RAM, new A64().mov(1, START_NANOS / VirtualTimer.NANOS_PER_TICK + 100)
                    .msr("CNTV_CVAL_EL0", 1).mov(1, 1).msr("CNTV_CTL_EL0", 1).wfi().hvc().code());
            h.cpu.pc = CpuHarness.RAM;
            AtomicReference<Thread> thread = new AtomicReference<>();
            CompletableFuture<Exit> end = CompletableFuture.supplyAsync(() -> {
                thread.set(Thread.currentThread());
                Exit e;
                while ((e = v.run()) == Exit.KICKED || e instanceof Arm64Exit a && a.exitClass().equals("WFx")) {
                    if (e != Exit.KICKED) {
                        v.waitForInterrupt(false); // what WfxHandler does
                    }
                }
                return e;
            });
            Blocking.untilBlocked("the vCPU in WFI", thread);
            long asleepAt = System.nanoTime();
            Await.until("host time to pass 20 ms while guest time stands",
                    () -> System.nanoTime() - asleepAt >= PAUSE_NANOS, Blocking.TIMEOUT,
                    () -> (System.nanoTime() - asleepAt) + " ns passed");
            assertFalse(end.isDone(), "WFI ended while guest time stood still: " + (end.isDone() ? end.get() : ""));
            assertFalse(timerOutput.get(), "the timer fired on host time");

            clock.advance(1_600);
            v.kick();
            Exit e = end.get(10, TimeUnit.SECONDS);
            assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, e, "exit " + e).exitClass());
            assertTrue(timerOutput.get(), "the timer's output once guest time reached CNTV_CVAL");
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
