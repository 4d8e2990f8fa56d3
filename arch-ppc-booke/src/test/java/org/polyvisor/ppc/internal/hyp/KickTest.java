package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.ppc.internal.LocalVm;
import org.polyvisor.spi.Exit;

/** run() returns KICKED soon after kick(), whether the guest computes or waits. */
class KickTest {
    private static LocalVm vmWith(int... words) {
        LocalVm vm = new LocalVm(GuestRun.elf("hello"), Map.of());
        for (int i = 0; i < words.length; i++) {
            vm.memory.write(HypervisorExitTest.CODE + 4L * i, 4, words[i] & 0xFFFF_FFFFL, ByteOrder.BIG_ENDIAN);
        }
        vm.vcpu.cpu().pc = HypervisorExitTest.CODE;
        return vm;
    }

    /**
     * Runs the vCPU on a thread of its own, waits until {@code running} holds (the guest is where the test wants
     * it), kicks, and checks that run() returned KICKED within a second.
     */
    private static void kickReturnsQuickly(LocalVm vm, Predicate<Thread> running, Supplier<String> seen)
            throws Exception {
        CompletableFuture<Exit> f = new CompletableFuture<>();
        Thread vcpu = new Thread(() -> f.complete(vm.vcpu.run()), "kick-test-vcpu");
        vcpu.setDaemon(true);
        vcpu.start();
        awaitCondition(() -> running.test(vcpu) && !f.isDone(), 10_000,
                () -> seen.get() + ", thread " + vcpu.getState() + ", run() " + (f.isDone() ? "returned " + f.join()
                        : "still running"));
        long t0 = System.nanoTime();
        vm.vcpu.kick();
        Exit e = f.get(5, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertSame(Exit.KICKED, e);
        assertTrue(ms < 1000, "kick took " + ms + " ms");
    }

    /** Polls a condition the vCPU thread makes true, failing with what was seen when the timeout passes. */
    private static void awaitCondition(BooleanSupplier condition, long timeoutMillis, Supplier<String> seen)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not reached within " + timeoutMillis + " ms: " + seen.get());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void kickStopsABusyLoop() throws Exception {
        // addi r3,r3,1 ; b .-4: r3 counts the iterations
        try (LocalVm vm = vmWith(0x3863_0001, 0x4BFF_FFFC)) {
            vm.vcpu.cpu().gpr[3] = 0; // the boot state put the device tree address there
            kickReturnsQuickly(vm, thread -> vm.vcpu.registers().get("r3") > 1000,
                    () -> "r3 = " + vm.vcpu.registers().get("r3"));
            assertTrue(vm.vcpu.instructionsRetired() > 1000);
        }
    }

    @Test
    void kickWakesAWaitingVcpu() throws Exception {
        // wrteei 0 ; wait ; b .-4: the vCPU thread parks in the wait until the kick
        try (LocalVm vm = vmWith(0x7C00_0146, 0x7C00_007C, 0x4BFF_FFFC)) {
            kickReturnsQuickly(vm, thread -> vm.vcpu.cpu().halted && parked(thread),
                    () -> "halted = " + vm.vcpu.cpu().halted);
            assertTrue(vm.vcpu.cpu().halted);
        }
    }

    private static boolean parked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }
}
