package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.arm64.internal.cpu.Esr;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.Psci;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.VcpuDirectory;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.CpuHarness;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.Machine;

/**
 * The PSCI handler against a mocked exit context and machine: what it asks of them, and what it answers. The vCPUs
 * are real (a mocked final class would stay instrumented in this JVM and slow the other tests' exit path down).
 */
class PsciHandlerTest {
    private static final Arm64Exit HVC = new Arm64Exit("HVC64", Esr.of(Ec.HVC64, 0), 0, 0);

    private final PsciHandler psci = new PsciHandler();
    private final ExitContext context = mock(ExitContext.class);
    private final Machine machine = mock(Machine.class, withSettings().extraInterfaces(VcpuDirectory.class));
    private final VcpuDirectory directory = (VcpuDirectory) machine;
    private final CpuHarness callerPe = new CpuHarness();
    private final CpuHarness targetPe = new CpuHarness();
    private final Arm64Vcpu caller = callerPe.vcpu();
    private final Cpu cpu = caller.cpu();

    @BeforeEach
    void wire() {
        when(context.vcpu()).thenReturn(caller);
        when(context.machine()).thenReturn(machine);
    }

    @AfterEach
    void close() {
        callerPe.close();
        targetPe.close();
    }

    @Test
    void versionIsAnsweredWithoutLookingAtTheMachine() {
        cpu.x[0] = Psci.PSCI_VERSION;
        assertSame(ExitAction.RESUME, psci.handle(context, HVC));
        assertEquals(Psci.VERSION_1_1, cpu.x[0]);
        verify(context, never()).machine();
    }

    @Test
    void cpuOnStartsTheTargetAtItsEntryWithTheContextId() {
        Arm64Vcpu target = targetPe.vcpu();
        target.powerOff();
        targetPe.load(CpuHarness.RAM + 0x100, new A64().hvc().code());
        when(directory.vcpuByMpidr(0x8000_0001L)).thenReturn(target);
        cpu.x[0] = Psci.CPU_ON_64;
        cpu.x[1] = 0x8000_0001L;
        cpu.x[2] = CpuHarness.RAM + 0x100;
        cpu.x[3] = 0x1234L;
        assertSame(ExitAction.RESUME, psci.handle(context, HVC));
        verify(directory).vcpuByMpidr(0x8000_0001L);
        assertEquals(Psci.SUCCESS, cpu.x[0]);
        assertEquals(Arm64Vcpu.POWER_ON_PENDING, target.powerState());
        // the target's own thread applies the reset: it starts at the entry point with x0 = the context id
        assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, target.run()).exitClass());
        assertEquals(0x1234L, target.cpu().x[0]);
        assertEquals(CpuHarness.RAM + 0x104, target.cpu().pc);
    }

    @Test
    void cpuOnForAnUnknownAffinityIsInvalid() {
        cpu.x[0] = Psci.CPU_ON;
        cpu.x[1] = 7;
        assertSame(ExitAction.RESUME, psci.handle(context, HVC));
        verify(directory).vcpuByMpidr(7);
        assertEquals(Psci.INVALID_PARAMS, cpu.x[0]);
    }

    @Test
    void cpuOffPowersTheCallerOffWithoutAskingForOtherVcpus() {
        cpu.x[0] = Psci.CPU_OFF;
        assertSame(ExitAction.RESUME, psci.handle(context, HVC));
        assertEquals(Arm64Vcpu.POWER_OFF, caller.powerState());
        verify(directory, never()).vcpuByMpidr(anyLong());
    }

    @Test
    void systemOffEndsTheVm() {
        cpu.x[0] = Psci.SYSTEM_OFF;
        assertEquals(0, assertInstanceOf(ExitAction.PowerOff.class, psci.handle(context, HVC)).status());
    }

    @Test
    void aTrappedSmcReturnsPastTheSmc() {
        cpu.pc = 0x4000_0100L; // a trapped SMC leaves ELR_EL2 (the vCPU's PC) at the SMC itself
        cpu.x[0] = Psci.PSCI_VERSION;
        psci.handle(context, new Arm64Exit("SMC64", Esr.of(Ec.SMC64, 0), 0, 0));
        assertEquals(0x4000_0104L, cpu.pc);
    }

    @Test
    void hvcWithANonZeroImmediateIsNotTheSmcccConduit() {
        cpu.x[0] = Psci.SYSTEM_OFF;
        assertSame(ExitAction.RESUME, psci.handle(context, new Arm64Exit("HVC64", Esr.of(Ec.HVC64, 1), 0, 0)));
        assertEquals(Psci.NOT_SUPPORTED, cpu.x[0]);
        verify(context, never()).machine();
    }
}
