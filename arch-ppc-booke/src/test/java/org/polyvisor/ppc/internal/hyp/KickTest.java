package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

    private static void kickReturnsQuickly(LocalVm vm) throws Exception {
        CompletableFuture<Exit> f = CompletableFuture.supplyAsync(vm.vcpu::run);
        Thread.sleep(100);
        assertTrue(!f.isDone(), "guest should still be running");
        long t0 = System.nanoTime();
        vm.vcpu.kick();
        Exit e = f.get(5, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertSame(Exit.KICKED, e);
        assertTrue(ms < 1000, "kick took " + ms + " ms");
    }

    @Test
    void kickStopsABusyLoop() throws Exception {
        // addi r3,r3,1 ; b .-4
        try (LocalVm vm = vmWith(0x3863_0001, 0x4BFF_FFFC)) {
            kickReturnsQuickly(vm);
            assertTrue(vm.vcpu.instructionsRetired() > 1000);
        }
    }

    @Test
    void kickWakesAWaitingVcpu() throws Exception {
        // wrteei 0 ; wait ; b .-4
        try (LocalVm vm = vmWith(0x7C00_0146, 0x7C00_007C, 0x4BFF_FFFC)) {
            kickReturnsQuickly(vm);
            assertTrue(vm.vcpu.cpu().halted);
        }
    }
}
