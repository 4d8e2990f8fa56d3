package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.Vcpu;

/** The ePAPR hypercall handler against a mocked exit context: it answers in r3/r4 and needs only the vCPU. */
class HypercallHandlerTest {
    private static final PpcExit HV_SYSCALL = new PpcExit("HV_SYSCALL", Ivor.HV_SYSCALL, 0, 0,
            LastInstLoader.INST_FETCH_FAILED, 0x1000);

    private final GuestMemory memory = new GuestMemory();
    private final Cpu cpu = new Cpu(memory, false, GuestClock.HOST::nanos);
    private final PpcVcpu vcpu = new PpcVcpu(0, cpu, new Hypervisor(cpu, memory, 1, new TlbSearchLoader()),
            GuestClock.HOST, () -> null);
    private final ExitContext context = mock(ExitContext.class);

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void kvmFeaturesAnswersSuccessWithNoFeatures() {
        when(context.vcpu()).thenReturn(vcpu);
        cpu.gpr[11] = HypercallHandler.KVM_HC_FEATURES;
        cpu.gpr[3] = 77;
        cpu.gpr[4] = 77;
        assertEquals(ExitAction.RESUME, new HypercallHandler().handle(context, HV_SYSCALL));
        assertEquals(HypercallHandler.EV_SUCCESS, cpu.gpr[3]);
        assertEquals(0, cpu.gpr[4]);
        verify(context).vcpu();
        verifyNoMoreInteractions(context);
    }

    @Test
    void otherHypercallsAreUnimplementedAndLeaveR4() {
        when(context.vcpu()).thenReturn(vcpu);
        cpu.gpr[11] = (42 << 16) | 99;
        cpu.gpr[4] = 77;
        assertEquals(ExitAction.RESUME, new HypercallHandler().handle(context, HV_SYSCALL));
        assertEquals(HypercallHandler.EV_UNIMPLEMENTED, cpu.gpr[3]);
        assertEquals(77, cpu.gpr[4]);
    }

    @Test
    void aVcpuOfAnotherArchitectureFailsTheVm() {
        Vcpu foreign = mock(Vcpu.class);
        when(context.vcpu()).thenReturn(foreign);
        ExitAction.Fail f = assertInstanceOf(ExitAction.Fail.class, new HypercallHandler().handle(context, HV_SYSCALL));
        assertEquals("HV_SYSCALL on a vCPU that is not ppc-booke", f.message());
        verifyNoMoreInteractions(foreign);
    }
}
