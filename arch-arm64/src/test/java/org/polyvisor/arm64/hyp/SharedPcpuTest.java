package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmConfig;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.HostMachine;
import org.polyvisor.arm64.internal.hyp.Pcpu;
import org.polyvisor.arm64.internal.hyp.PcpuPool;
import org.polyvisor.arm64.internal.hyp.PcpuProfile;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.GeometryConfigurator;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.testkit.Await;

/**
 * vCPUs of VMs with different IPA sizes and stage-2 granules time-share one modelled physical CPU (host setting
 * polyvisor.arm64.pcpus, KVM's vcpu_load/vcpu_put): each VM computes the right result with memory at the top of its
 * IPA space although the VTCR_EL2, VTTBR_EL2 and TLB entries of the others are really on that CPU when it runs; a world
 * switch that does not load VTCR_EL2 is caught; no vCPU starves.
 */
class SharedPcpuTest {
    /** A host of 48-bit physical CPUs (so 48-bit IPAs are allowed), {@code n} of them shared by every vCPU. */
    private static Arm64Architecture sharedHost(int n) {
        List<PcpuProfile> cpus = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cpus.add(new PcpuProfile(5, false, false));
        }
        Arm64Architecture arch = new Arm64Architecture(new HostMachine(cpus));
        arch.setStage2Configurator(new GeometryConfigurator());
        return arch;
    }

    private static TestMachine vm(Arm64Architecture arch, String host, int ipa, String granule) {
        VmConfig cfg = TestMachine.config(host, 1).withOption("ipa", "" + ipa).withOption("s2granule", granule)
                .withOption("highmem", "1m");
        return new TestMachine(arch, cfg, GuestClock.HOST);
    }

    private static int bne(int at, int target) {
        return 0x5400_0001 | (((target - at) & 0x7FFFF) << 5);
    }

    private static int b(int at, int target) {
        return 0x1400_0000 | ((target - at) & 0x3FF_FFFF);
    }

    /**
     * Every round: {@code iters} times, store w2 to 16 words 64 KiB apart in the 1 MiB just below 2^ipa, load each
     * back into x8's sum, w2 counting up; then w2 to the last word of the IPA space and HVC.
     */
    static int[] program(long top, long seed, int iters) {
        A64 a = new A64().mov(4, top - (1L << 20)).mov(2, seed).mov(8, 0);
        int round = a.size();
        a.mov(7, iters);
        int loop = a.size();
        a.word(0xAA04_03E5).mov(6, 16);                       // mov x5, x4; x6 = 16
        int inner = a.size();
        a.strW(2, 5).ldrW(3, 5).word(0x8B03_0108)             // str w2, [x5]; ldr w3, [x5]; add x8, x8, x3
                .word(0x9140_40A5).word(0x9100_0442)          // add x5, x5, #64K; add x2, x2, #1
                .word(0xF100_04C6);                           // subs x6, x6, #1
        a.word(bne(a.size(), inner));
        a.word(0xF100_04E7);                                  // subs x7, x7, #1
        a.word(bne(a.size(), loop));
        a.mov(9, top - 4).strW(2, 9).hvc();
        a.word(b(a.size(), round));
        return a.code();
    }

    private record Guest(TestMachine m, long top, long seed) {
        /** Whether the guest's sum and memory are what {@code rounds} rounds of {@link #program} give. */
        String check(int rounds, int iters) {
            long n = (long) rounds * iters * 16;
            long sum = n * seed + n * (n - 1) / 2;
            long[] x8 = new long[1];
            m.vcpu(0).withGuestView(() -> x8[0] = m.vcpu(0).cpu().x[8]);
            if (x8[0] != sum) {
                return "sum " + x8[0] + " instead of " + sum;
            }
            long base = top - (1L << 20);
            for (int j = 0; j < 16; j++) {
                long w = m.context().memory().read(base + j * 0x1_0000L, 4, ByteOrder.LITTLE_ENDIAN);
                if (w != seed + n - 16 + j) {
                    return "word " + j + " = " + w + " instead of " + (seed + n - 16 + j);
                }
            }
            long last = m.context().memory().read(top - 4, 4, ByteOrder.LITTLE_ENDIAN);
            return last == seed + n ? null : "last word " + last + " instead of " + (seed + n);
        }
    }

    private static Guest guest(Arm64Architecture arch, String host, int ipa, String granule, int iters) {
        TestMachine m = vm(arch, host, ipa, granule);
        long top = 1L << ipa;
        long seed = ipa * 0x1000L + granule.length() * 0x100L;
        m.load(TestMachine.RAM, program(top, seed, iters));
        return new Guest(m, top, seed);
    }

    private static String exitClass(Exit e) {
        return e instanceof Arm64Exit a ? a.exitClass() : e.toString();
    }

    @Test
    void vmsOfEveryIpaSizeAndGranuleRunInterleavedOnOnePhysicalCpu() throws Exception {
        Arm64Architecture arch = sharedHost(1);
        PcpuPool pool = arch.host().pcpus();
        int rounds = 3;
        int iters = 3000;
        List<Guest> guests = new ArrayList<>();
        String[] hosts = {"vhe", "nvhe"};
        for (int ipa : new int[] {32, 36, 40, 44, 48}) {
            for (String g : new String[] {"4k", "16k", "64k"}) {
                guests.add(guest(arch, hosts[guests.size() % 2], ipa, g, iters));
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(guests.size());
        try {
            List<Future<String>> runs = new ArrayList<>();
            for (Guest gu : guests) {
                runs.add(threads.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        String c = exitClass(gu.m().vcpu(0).run());
                        if (!c.equals("HVC64")) {
                            return "round " + r + " ended with " + c;
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < guests.size(); i++) {
                Guest gu = guests.get(i);
                assertNull(runs.get(i).get(120, TimeUnit.SECONDS), "VM with a " + Long.numberOfTrailingZeros(gu.top())
                        + "-bit IPA");
                assertNull(gu.check(rounds, iters), "VM with a " + Long.numberOfTrailingZeros(gu.top()) + "-bit IPA");
                assertNull(gu.m().vcpu(0).sharing().current(), "put when run() returned");
            }
        } finally {
            threads.shutdownNow();
            guests.forEach(g -> g.m().close());
        }
        Pcpu cpu = pool.cpu(0);
        assertTrue(cpu.loads() >= guests.size() * rounds, "every run loaded the one CPU: " + cpu.loads());
        assertTrue(pool.slicesEnded() > 0, "vCPUs were preempted at the end of their time slices");
        assertTrue(cpu.tlb().vmidsHeld() >= 2, "the CPU's TLB holds several VMs' entries side by side");
        assertTrue(cpu.vtcr() != 0, "the last VM's VTCR_EL2 stayed on the CPU");
    }

    /** Runs VM A (32-bit IPA, 64K) then VM B (48-bit, 4K) on one CPU; B's output, or what went wrong. */
    private static String afterAnotherVm(boolean omitVtcrLoad) throws Exception {
        Arm64Architecture arch = sharedHost(1);
        Guest a = guest(arch, "vhe", 32, "64k", 10);
        Guest b = guest(arch, "vhe", 48, "4k", 10);
        try {
            assertEquals("HVC64", exitClass(a.m().vcpu(0).run()));
            assertEquals(a.m().vcpu(0).registers().get("VTCR_EL2"), arch.host().pcpus().cpu(0).vtcr(),
                    "A's VTCR_EL2 is what the CPU holds");
            Arm64Vcpu v = b.m().vcpu(0);
            if (omitVtcrLoad) {
                v.worldSwitch().omitVtcrLoad();
            }
            ExecutorService t = Executors.newSingleThreadExecutor();
            try {
                Future<String> run = t.submit(() -> exitClass(v.run()));
                String exit;
                try {
                    exit = run.get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException stuck) {
                    v.kick();
                    exit = "no exit in 5 s (" + run.get(10, TimeUnit.SECONDS) + " after a kick)";
                } catch (java.util.concurrent.ExecutionException failed) {
                    exit = "failed: " + failed.getCause().getMessage();
                }
                if (!exit.equals("HVC64")) {
                    return exit;
                }
                return b.check(1, 10);
            } finally {
                t.shutdownNow();
            }
        } finally {
            a.m().close();
            b.m().close();
        }
    }

    @Test
    void aWorldSwitchThatDoesNotLoadVtcrIsCaught() throws Exception {
        assertNull(afterAnotherVm(false), "the upstream switch loads B's VTCR_EL2 over A's");
        String broken = afterAnotherVm(true);
        assertTrue(broken != null, "B ran under A's VTCR_EL2 (32-bit IPA, 64K granule) and must not get its output");
    }

    @Test
    void noVcpuStarvesOnOneCpu() throws Exception {
        Arm64Architecture arch = sharedHost(1);
        List<TestMachine> vms = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<Exit>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TestMachine m = vm(arch, i == 1 ? "nvhe" : "vhe", 36 + 4 * i, "4k");
                long top = 1L << (36 + 4 * i);
                // 1: str w2, [x4]; add x2, x2, #1; b 1b   (never leaves the guest by itself)
                m.load(TestMachine.RAM, new A64().mov(4, top - 4).mov(2, 1).strW(2, 4).word(0x9100_0442)
                        .word(0x17FF_FFFE).code());
                vms.add(m);
                runs.add(threads.submit(() -> m.vcpu(0).run()));
            }
            for (int i = 0; i < 3; i++) {
                TestMachine m = vms.get(i);
                long top = 1L << (36 + 4 * i);
                Await.atLeast("progress of VM " + i + " on the shared CPU",
                        () -> m.context().memory().read(top - 4, 4, ByteOrder.LITTLE_ENDIAN), 200_000,
                        Duration.ofSeconds(60));
            }
            assertTrue(arch.host().pcpus().slicesEnded() >= 2, "the CPU changed hands at the end of time slices");
            for (TestMachine m : vms) {
                m.vcpu(0).kick();
            }
            for (Future<Exit> r : runs) {
                assertSame(Exit.KICKED, r.get(30, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
            vms.forEach(TestMachine::close);
        }
    }

    /** kvm_vcpu_block: a vCPU waiting in WFI holds no CPU, so another VM runs on the only one meanwhile. */
    @Test
    void aVcpuInWfiGivesItsCpuUp() throws Exception {
        Arm64Architecture arch = sharedHost(1);
        TestMachine a = vm(arch, "vhe", 40, "4k");
        Guest b = guest(arch, "nvhe", 44, "16k", 50);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            a.load(TestMachine.RAM, new A64().wfi().hvc().code());
            Arm64Vcpu va = a.vcpu(0);
            assertEquals("WFx", exitClass(va.run()));
            Future<?> blocked = threads.submit(() -> va.waitForInterrupt(false));
            Future<String> other = threads.submit(() -> exitClass(b.m().vcpu(0).run()));
            assertEquals("HVC64", other.get(30, TimeUnit.SECONDS), "B ran while A waited for an interrupt");
            assertNull(b.check(1, 50));
            assertFalse(blocked.isDone(), "A still waits");
            assertNull(va.sharing().current(), "A holds no CPU while it waits");
            va.setIrqLine(true);
            blocked.get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
            a.close();
            b.m().close();
        }
    }

    @Test
    void withoutTheHostSettingEveryVcpuHasItsOwnCpu() {
        Arm64Architecture arch = new Arm64Architecture(new HostMachine());
        assertNull(arch.host().pcpus());
        try (TestMachine m = new TestMachine(arch, "vhe", 2)) {
            assertNull(m.vcpu(0).sharing());
            assertNull(m.vcpu(1).sharing());
        }
        assertFalse(new HostMachine(PcpuProfile.fromSettings(k -> null)).pcpus() != null);
    }
}
