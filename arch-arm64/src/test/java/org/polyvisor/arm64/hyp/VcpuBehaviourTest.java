package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.cpu.sysreg.SysRegFile;
import org.polyvisor.arm64.testing.Blocking;
import org.polyvisor.arm64.testing.CpuHarness;
import org.polyvisor.spi.Exit;
import org.polyvisor.testkit.Await;

/** Device accesses become MMIO exits with the syndrome's semantics; kicks end run() promptly, even in WFI. */
class VcpuBehaviourTest {
    private static final long UART = 0x0900_0000L;

    private static CpuHarness withDevice() {
        return new CpuHarness(null, SysRegFile.cortexA57(), ipa -> ipa >= UART && ipa < UART + 0x1000);
    }

    @Test
    void deviceLoadsAndStoresAreMmioExits() {
        try (CpuHarness h = withDevice()) {
            Arm64Vcpu v = h.vcpu();
            h.load(CpuHarness.RAM, 0x79800020, // ldrsh x0, [x1]
                    0x39001022, // strb w2, [x1, #4]
                    0xb9400823, // ldr w3, [x1, #8]
                    0xd4000002); // hvc #0
            h.cpu.pc = CpuHarness.RAM;
            h.cpu.x[1] = UART;
            h.cpu.x[2] = 0x1234;
            h.cpu.x[3] = -1;
            Exit.Mmio r1 = assertInstanceOf(Exit.Mmio.class, v.run());
            assertEquals(UART, r1.address().value());
            assertEquals(2, r1.size());
            assertEquals(false, r1.write());
            long esr = h.cpu.sys[h.cpu.iEsr2];
            assertEquals(0x24, esr >>> 26, "DABT_LOW");
            assertEquals(1L << 24 | 1L << 22 | 1L << 21 | 0L << 16 | 1L << 15, esr & 0x01FF_8000L,
                    "ISV, SAS=halfword, SSE, SRT=x0, SF");
            v.completeMmioRead(0x8001);
            assertEquals(0xffffffffffff8001L, h.x(0), "SSE: sign-extended to 64 bits (SF)");
            Exit.Mmio w = assertInstanceOf(Exit.Mmio.class, v.run());
            assertEquals(true, w.write());
            assertEquals(1, w.size());
            assertEquals(0x34, w.value() & 0xFF);
            assertEquals(UART + 4, w.address().value());
            Exit.Mmio r2 = assertInstanceOf(Exit.Mmio.class, v.run());
            v.completeMmioRead(0xffff_ffff_8000_0000L);
            assertEquals(0x8000_0000L, h.x(3), "32-bit load zero-extends");
            assertEquals(UART + 8, r2.address().value());
            assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, v.run()).exitClass());
        }
    }

    @Test
    void accessToNeitherRamNorDeviceIsAnExternalAbortInTheGuest() {
        try (CpuHarness h = withDevice()) {
            long vbar = CpuHarness.RAM + 0x1000;
            h.cpu.sys[h.cpu.regs.index("VBAR_EL1")] = vbar;
            h.load(vbar + 0x200, 0xd4000002);
            h.cpu.x[6] = 0x0b00_0000L;
            h.run(0xf94000c5); // ldr x5, [x6]
            assertEquals(0x96000010L, h.cpu.sys[h.cpu.iEsr1], "DABT_CUR, synchronous external abort");
            assertEquals(0x0b00_0000L, h.cpu.sys[h.cpu.iFar1]);
        }
    }

    @Test
    void deviceAccessWithoutSyndromeFailsTheVcpu() {
        try (CpuHarness h = withDevice()) {
            h.cpu.x[1] = UART;
            Exit e = h.run(0xa9000821); // stp x1, x2, [x1]: no ISV
            assertTrue(assertInstanceOf(Exit.Failure.class, e).message().contains("without a valid syndrome"));
        }
    }

    @Test
    void kickEndsRunInATightLoopAndInWfi() throws Exception {
        try (CpuHarness h = new CpuHarness()) {
            for (long entry : new long[] {CpuHarness.RAM + 0x18, CpuHarness.RAM + 0x10}) {
                h.load(CpuHarness.RAM + 0x10, 0xd503207f, // 1: wfi
                        0x17ffffff, // b 1b
                        0x14000000); // 2: b 2b
                h.cpu.pc = entry;
                Arm64Vcpu v = h.vcpu();
                // WFI traps (HCR_EL2.TWI) and the WFx handler blocks on the vCPU's wake signal: a kick ends both.
                AtomicReference<Thread> thread = new AtomicReference<>();
                CompletableFuture<Exit> f = CompletableFuture.supplyAsync(() -> {
                    thread.set(Thread.currentThread());
                    Exit e;
                    while ((e = v.run()) instanceof Arm64Exit a && a.exitClass().equals("WFx")) {
                        v.waitForInterrupt(false);
                    }
                    return e;
                });
                if (entry == CpuHarness.RAM + 0x18) {
                    Await.until("the vCPU to run its loop", () -> v.instructionsRetired() > 1000, Blocking.TIMEOUT,
                            () -> v.instructionsRetired() + " instructions retired");
                } else {
                    Blocking.untilBlocked("the vCPU in WFI", thread);
                }
                long t0 = System.nanoTime();
                v.kick();
                assertSame(Exit.KICKED, f.get(5, TimeUnit.SECONDS));
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "kick latency");
            }
        }
    }

    @Test
    void assertedIrqLineIsTakenOnceUnmaskedAndWakesWfi() throws Exception {
        try (CpuHarness h = new CpuHarness()) {
            long vbar = CpuHarness.RAM + 0x1000;
            h.cpu.sys[h.cpu.regs.index("VBAR_EL1")] = vbar;
            h.load(vbar + 0x280, 0xd4000002); // IRQ, current EL with SP_ELx: hvc #0
            h.load(CpuHarness.RAM, 0x14000000); // b . (IRQs still masked by the boot DAIF)
            h.load(CpuHarness.RAM + 0x40, 0xd50342ff, // msr daifclr, #2
                    0xd503207f, // 1: wfi
                    0x17ffffff); // b 1b
            Arm64Vcpu v = h.vcpu();
            // masked: the line is high but the guest keeps running (and a kick still gets through)
            h.cpu.pc = CpuHarness.RAM;
            v.setIrqLine(true);
            CompletableFuture<Exit> masked = CompletableFuture.supplyAsync(v::run);
            Await.until("the guest to run with the line high", () -> v.instructionsRetired() > 1000, Blocking.TIMEOUT,
                    () -> v.instructionsRetired() + " instructions retired, done=" + masked.isDone());
            v.kick();
            assertSame(Exit.KICKED, masked.get(5, TimeUnit.SECONDS));
            assertEquals(CpuHarness.RAM, h.cpu.pc);
            // unmasked while waiting in WFI: the IRQ wakes it and is taken
            v.setIrqLine(false);
            h.cpu.pc = CpuHarness.RAM + 0x40;
            // WFI traps (HCR_EL2.TWI) to the WFx handler, which sleeps until the line rises
            AtomicReference<Thread> thread = new AtomicReference<>();
            CompletableFuture<Exit> taken = CompletableFuture.supplyAsync(() -> {
                thread.set(Thread.currentThread());
                Exit x;
                while ((x = v.run()) instanceof Arm64Exit a && a.exitClass().equals("WFx")) {
                    v.waitForInterrupt(false);
                }
                return x;
            });
            // The vCPU really sleeps: its thread blocks, and no instruction retires while no interrupt is pending.
            Thread vcpuThread = Blocking.untilBlocked("the vCPU in WFI", thread);
            long retired = v.instructionsRetired();
            Await.until("a second look at the sleeping vCPU", () -> Blocking.blocked(vcpuThread), Blocking.TIMEOUT,
                    () -> "thread state " + vcpuThread.getState());
            assertEquals(retired, v.instructionsRetired(), "instructions retired while asleep in WFI");
            assertFalse(taken.isDone(), "WFI returned without an interrupt");
            v.setIrqLine(true);
            Exit e = taken.get(5, TimeUnit.SECONDS);
            assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, e).exitClass());
            long elr = h.cpu.sys[h.cpu.iElr1];
            assertTrue(elr == CpuHarness.RAM + 0x44 || elr == CpuHarness.RAM + 0x48, "ELR in the WFI loop");
            assertEquals(0, h.cpu.sys[h.cpu.iSpsr1] & 0x80, "SPSR: IRQs were unmasked");
            assertEquals(0x3c0, h.cpu.daif, "exception entry masks DAIF");
        }
    }
}
