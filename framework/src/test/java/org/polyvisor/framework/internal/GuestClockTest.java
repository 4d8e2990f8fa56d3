package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmState;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;

/**
 * The VM's guest clock through the manager: it runs while the VM runs and stands still while the VM is paused, held
 * by a swap, waiting for its architecture, or saved and restored (QEMU's rule for QEMU_CLOCK_VIRTUAL). The
 * architecture and its machines are Mockito mocks: the test is about what the framework does around them.
 */
class GuestClockTest {
    private final VmManagerImpl mgr = VmManagerImpl.create();

    @AfterEach
    void close() {
        mgr.close();
    }

    private static Architecture architecture() {
        return architectureWithId("idle");
    }

    /** A mocked architecture whose machines have one {@link IdleVcpu}. */
    static Architecture architectureWithId(String id) {
        Architecture arch = mock(Architecture.class);
        when(arch.id()).thenReturn(id);
        when(arch.createMachine(any())).thenAnswer(inv -> {
            Machine m = mock(Machine.class);
            Vcpu v = new IdleVcpu(0);
            when(m.vcpuCount()).thenReturn(1);
            when(m.vcpu(0)).thenReturn(v);
            when(m.exportState()).thenReturn(StateSnapshot.builder("idle.machine", 1).build());
            return m;
        });
        return arch;
    }

    /** Waits for the guest time to pass {@code nanos}; fails with what it read. */
    private static void awaitGuestTime(LongSupplier clock, long nanos) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long now;
        while ((now = clock.getAsLong()) < nanos) {
            if (System.nanoTime() - deadline > 0) {
                fail("guest time stayed at " + now + " ns, below " + nanos + " ns, for 10 s");
            }
            Thread.onSpinWait();
        }
    }

    private static void assertStandsStill(LongSupplier clock, String while_) {
        long before = clock.getAsLong();
        VmClockTest.letHostTimePass(30);
        assertEquals(before, clock.getAsLong(), "guest time moved " + while_);
    }

    private int started(Architecture arch) {
        mgr.addArchitecture(arch);
        int id = mgr.create(new VmConfig("clock", "idle", 1 << 20, 1, null, Map.of()));
        mgr.start(id);
        return id;
    }

    @Test
    void aCreatedVmsClockWaitsForTheStart() {
        mgr.addArchitecture(architecture());
        int id = mgr.create(new VmConfig("clock", "idle", 1 << 20, 1, null, Map.of()));
        assertStandsStill(() -> mgr.guestNanos(id), "before the VM started");
        assertEquals(0, mgr.guestNanos(id));
    }

    @Test
    void theClockStopsWhileTheVmIsPausedAndContinuesWhereItStopped() {
        int id = started(architecture());
        awaitGuestTime(() -> mgr.guestNanos(id), TimeUnit.MILLISECONDS.toNanos(5));
        mgr.pause(id);
        assertEquals(VmState.PAUSED, mgr.info(id).state());
        long paused = mgr.guestNanos(id);
        assertStandsStill(() -> mgr.guestNanos(id), "during pv:pause");
        mgr.resume(id);
        long resumed = mgr.guestNanos(id);
        assertTrue(resumed - paused < TimeUnit.MILLISECONDS.toNanos(30),
                "continued from " + paused + " ns at " + resumed + " ns: the pause counted");
        awaitGuestTime(() -> mgr.guestNanos(id), paused + TimeUnit.MILLISECONDS.toNanos(5));
    }

    @Test
    void theClockStopsWhileASwapHoldsTheVm() {
        Architecture old = architecture();
        int id = started(old);
        awaitGuestTime(() -> mgr.guestNanos(id), TimeUnit.MILLISECONDS.toNanos(5));
        mgr.removeArchitecture(old); // the VM waits for an implementation of "idle"
        assertEquals(VmState.WAITING, mgr.info(id).state());
        long held = mgr.guestNanos(id);
        assertStandsStill(() -> mgr.guestNanos(id), "while the VM waited for its architecture");
        long beforeResume = System.nanoTime();
        mgr.addArchitecture(architecture());
        long resumed = mgr.guestNanos(id);
        long sinceResume = System.nanoTime() - beforeResume;
        assertEquals(VmState.RUNNING, mgr.info(id).state());
        // The guest may only have gained the host time since the resume began, never the time it was held (no fixed
        // bound: on a loaded machine the resume itself can take long).
        assertTrue(resumed - held <= sinceResume, "continued from " + held + " ns at " + resumed + " ns, "
                + sinceResume + " ns after the resume began: the hold counted");
        awaitGuestTime(() -> mgr.guestNanos(id), held + TimeUnit.MILLISECONDS.toNanos(5));
    }

    @Test
    void aRestoredVmContinuesFromTheSavedGuestTime(@TempDir Path dir) throws Exception {
        int id = started(architecture());
        awaitGuestTime(() -> mgr.guestNanos(id), TimeUnit.MILLISECONDS.toNanos(20));
        mgr.pause(id);
        long saved = mgr.guestNanos(id);
        mgr.saveSnapshot(id, dir.resolve("vm.snap"));
        mgr.destroy(id);
        int restored = mgr.restoreSnapshot(dir.resolve("vm.snap"));
        assertEquals(VmState.PAUSED, mgr.info(restored).state());
        assertEquals(saved, mgr.guestNanos(restored), "a restored VM starts at the saved guest time");
        mgr.resume(restored);
        awaitGuestTime(() -> mgr.guestNanos(restored), saved + TimeUnit.MILLISECONDS.toNanos(5));
    }
}
