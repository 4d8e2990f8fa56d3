package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.cpu.sysreg.El1Registers;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.DefaultStage2;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.Blocking;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;

/** Exit classes and the hypervisor's own fault handling, one vCPU driven exit by exit. */
class ExitHandlingTest {
    private static final long UART = 0x0900_0000L;

    private static TestMachine machine(String host) {
        return new TestMachine(new Arm64Architecture(), host, 2);
    }

    @Test
    void mmioAccessWithoutValidSyndromeFailsTheVmClearly() {
        for (String host : new String[] {"vhe", "nvhe"}) {
            try (TestMachine m = machine(host)) {
                m.load(TestMachine.RAM, new A64().mov(1, UART).ldpW(2, 3, 1).hvc().code());
                Exit.Failure f = assertInstanceOf(Exit.Failure.class, m.vcpu(0).run());
                assertTrue(f.message().contains("syndrome"), f.message());
                assertTrue(f.message().contains("0x9000000"), f.message());
            }
        }
    }

    @Test
    void mmioExitIsDecodedFromTheSyndrome() {
        try (TestMachine m = machine("nvhe")) {
            // ldrsb x2, [x1]; str w2, [x1, #0x30] as single accesses with ISV
            m.load(TestMachine.RAM, new A64().mov(1, UART + 0xFF4).word(0x39800022).mov(4, UART + 0x30)
                    .strW(2, 4).hvc().code());
            Arm64Vcpu v = m.vcpu(0);
            Exit.Mmio r = assertInstanceOf(Exit.Mmio.class, v.run());
            assertEquals(UART + 0xFF4, r.address().value());
            assertEquals(1, r.size());
            v.completeMmioRead(0xF0);
            assertEquals(-16L, v.cpu().x[2], "SSE + SF: sign-extended into x2");
            Exit.Mmio w = assertInstanceOf(Exit.Mmio.class, v.run());
            assertTrue(w.write());
            assertEquals(4, w.size());
            assertEquals(0xFFFF_FFF0L, w.value(), "a W register store carries 32 bits");
            assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, v.run()).exitClass());
        }
    }

    @Test
    void unknownTrappedSystemRegisterGetsAnUndefinedException() {
        try (TestMachine m = machine("vhe")) {
            long vbar = TestMachine.RAM + 0x800;
            m.load(TestMachine.RAM, new A64().mov(1, vbar).msr("VBAR_EL1", 1).mrs(2, "ID_AA64MMFR0_EL1").hvc().code());
            Arm64Vcpu v = m.vcpu(0);
            Arm64Exit sys = assertInstanceOf(Arm64Exit.class, v.run());
            assertEquals("SYS64", sys.exitClass());
            // the handler emulates the known register: x2 = the profile's value, PC past the MRS
            ExitAction a = new SysRegTrapHandler().handle(m.exitContext(v), sys);
            assertSame(ExitAction.RESUME, a);
            assertEquals(0x1124L, v.cpu().x[2]);
            // an encoding the model does not have (op0=3 op1=0 CRn=15 CRm=15 op2=7) -> UNDEF injected at EL1
            long pc = v.cpu().pc;
            int iss = (3 << 20) | (7 << 17) | (0 << 14) | (15 << 10) | (3 << 5) | (15 << 1) | 1;
            new SysRegTrapHandler().handle(m.exitContext(v), new Arm64Exit("SYS64", (0x18L << 26) | iss, 0, 0));
            v.withGuestView(() -> {
                assertEquals(0L, v.cpu().sys[v.cpu().iEsr1] >>> 26, "EC UNKNOWN");
                assertEquals(pc, v.cpu().sys[v.cpu().iElr1]);
            });
            assertEquals(vbar + 0x200, v.cpu().pc, "current EL, SP_ELx, synchronous vector");
        }
    }

    @Test
    void defaultStage2MapsRamOnFirstFaultAndAbortsOutsideTheIpaSpace() {
        try (TestMachine m = machine("vhe")) {
            long vbar = TestMachine.RAM + 0x800;
            m.load(TestMachine.RAM, new A64().mov(1, vbar).msr("VBAR_EL1", 1)
                    .mov(4, TestMachine.RAM + 0x10_0000).strX(1, 4) // RAM page: mapped on first touch
                    .mov(5, 1L << 40).ldrW(2, 5)                    // beyond the 40-bit IPA: external abort
                    .hvc().code());
            m.load(vbar + 0x200, new A64().hvc().code());
            m.vcpu(0).boot(TestMachine.RAM, true);
            DefaultStage2 s2 = m.machine().stage2();
            Arm64Vcpu v = m.vcpu(0);
            assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, v.run()).exitClass());
            assertTrue(s2.faults() >= 2, "code page and data page were mapped on first fault: " + s2.faults());
            v.withGuestView(() -> {
                assertEquals(0x25L, v.cpu().sys[v.cpu().iEsr1] >>> 26, "DABT_CUR in the guest");
                assertEquals(0x10L, v.cpu().sys[v.cpu().iEsr1] & 0x3F, "synchronous external abort");
                assertEquals(1L << 40, v.cpu().sys[v.cpu().iFar1]);
            });
        }
    }

    @Test
    void wfiBlocksWithoutSpinningUntilKicked() throws Exception {
        try (TestMachine m = machine("nvhe")) {
            m.load(TestMachine.RAM, new A64().wfi().hvc().code());
            Arm64Vcpu v = m.vcpu(0);
            Arm64Exit wfx = assertInstanceOf(Arm64Exit.class, v.run());
            assertEquals("WFx", wfx.exitClass());
            AtomicReference<Thread> thread = new AtomicReference<>();
            CompletableFuture<Long> cpuNanos = CompletableFuture.supplyAsync(() -> {
                thread.set(Thread.currentThread());
                var bean = ManagementFactory.getThreadMXBean();
                long t0 = bean.getCurrentThreadCpuTime();
                v.waitForInterrupt(false);
                return bean.getCurrentThreadCpuTime() - t0;
            });
            Blocking.untilBlocked("the vCPU in WFI", thread);
            assertTrue(!cpuNanos.isDone(), "WFI returned without an interrupt");
            v.kick();
            long used = cpuNanos.get(5, TimeUnit.SECONDS);
            assertTrue(used < TimeUnit.MILLISECONDS.toNanos(100), "blocked WFI used " + used / 1000 + " us of CPU");
            assertSame(Exit.KICKED, v.run());
        }
    }

    @Test
    void poweredOffSecondaryBlocksAndReturnsKickedWhenKicked() throws Exception {
        try (TestMachine m = machine("vhe")) {
            m.load(TestMachine.RAM, new A64().hvc().code());
            Arm64Vcpu secondary = m.vcpu(1);
            secondary.boot(TestMachine.RAM, false);
            AtomicReference<Thread> thread = new AtomicReference<>();
            CompletableFuture<Exit> f = CompletableFuture.supplyAsync(() -> {
                thread.set(Thread.currentThread());
                return secondary.run();
            });
            Blocking.untilBlocked("the powered-off vCPU", thread);
            assertTrue(!f.isDone(), "a powered-off vCPU must not run");
            assertEquals(0, secondary.instructionsRetired(), "a powered-off vCPU retired instructions");
            secondary.kick();
            assertSame(Exit.KICKED, f.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void smcccConduitIsImmediateZeroOnly() {
        try (TestMachine m = machine("nvhe")) {
            // hvc #1 with x0 = PSCI_VERSION: not a PSCI call; smc #0 (trapped by TSC): a PSCI call, PC past the smc
            m.load(TestMachine.RAM, new A64().mov(0, 0x8400_0000L).word(0xD400_0022).mov(0, 0x8400_0000L).smc()
                    .hvc().code());
            Arm64Vcpu v = m.vcpu(0);
            PsciHandler psci = new PsciHandler();
            Arm64Exit hvc1 = assertInstanceOf(Arm64Exit.class, v.run());
            assertEquals(1, hvc1.esr() & 0xFFFF);
            psci.handle(m.exitContext(v), hvc1);
            assertEquals(-1L, v.cpu().x[0], "NOT_SUPPORTED");
            Arm64Exit smc = assertInstanceOf(Arm64Exit.class, v.run());
            assertEquals("SMC64", smc.exitClass());
            long smcPc = v.cpu().pc;
            psci.handle(m.exitContext(v), smc);
            assertEquals(0x1_0001L, v.cpu().x[0]);
            assertEquals(smcPc + 4, v.cpu().pc);
        }
    }

    @Test
    void vmRegisterWritesTrapUntilTheGuestTurnsCachesOn() {
        try (TestMachine m = machine("vhe")) {
            m.load(TestMachine.RAM, new A64().mov(1, 0x4008_0000L).msr("TTBR0_EL1", 1).hvc().code());
            Arm64Vcpu v = m.vcpu(0);
            SysRegTrapHandler sys = new SysRegTrapHandler();
            long tvm = 1L << 26;
            assertTrue((v.worldSwitch().traps().hcr() & tvm) != 0, "TVM set at reset (no stage-2 FWB)");
            Arm64Exit w = assertInstanceOf(Arm64Exit.class, v.run());
            assertEquals("SYS64", w.exitClass());
            sys.handle(m.exitContext(v), w);
            assertEquals(0x4008_0000L, (long) v.registers().get("TTBR0_EL1"), "the trapped write was emulated");
            assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, v.run()).exitClass());
            // MSR SCTLR_EL1, x2 with M and C set (Rt = 2): kvm_toggle_cache stops trapping
            v.cpu().x[2] = El1Registers.SCTLR_RESET | 0b101;
            int iss = (3 << 20) | (0 << 17) | (0 << 14) | (1 << 10) | (2 << 5) | (0 << 1);
            sys.handle(m.exitContext(v), new Arm64Exit("SYS64", (0x18L << 26) | iss, 0, 0));
            assertEquals(0, v.worldSwitch().traps().hcr() & tvm, "TVM cleared once MMU and caches are on");
        }
    }

    @Test
    void guestRunsUnderTheVcpusTrapConfiguration() {
        for (String host : new String[] {"vhe", "nvhe"}) {
            try (TestMachine m = machine(host)) {
                m.load(TestMachine.RAM, new A64().hvc().code());
                Arm64Vcpu v = m.vcpu(0);
                assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, v.run()).exitClass());
                var r = v.registers(); // the guest view: what the CPU held while the guest ran
                var t = v.worldSwitch().traps();
                long hcr = r.get("HCR_EL2");
                assertEquals(0x0000_0008_807E_663FL, hcr & 0x0000_0008_807E_663FL, "HCR_GUEST_FLAGS");
                assertEquals(host.equals("vhe"), (hcr & (1L << 34)) != 0, "E2H only on a VHE host");
                long vttbr = r.get("VTTBR_EL2");
                assertEquals(m.machine().vmid(), vttbr >>> 48, "VMID in VTTBR_EL2");
                assertEquals(m.machine().stage2().table().root(), vttbr & 0x0000_FFFF_FFFF_FFFEL,
                        "BADDR in VTTBR_EL2: the VM's stage-2 start-level tables");
                assertEquals(m.machine().host().defaultGeometry().vtcr(), (long) r.get("VTCR_EL2"),
                        "the VTCR_EL2 computed once at hypervisor init");
                assertEquals(t.cntvoff(), (long) r.get("CNTVOFF_EL2"));
                assertEquals(0x84C60L | 6, (long) r.get("MDCR_EL2"), "MDCR guest flags + host HPMN");
                assertEquals(0x8000_0000L, (long) r.get("VMPIDR_EL2"));
            }
        }
    }
}
