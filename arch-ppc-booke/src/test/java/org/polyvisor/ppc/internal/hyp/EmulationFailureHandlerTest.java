package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.Vcpu;

/**
 * INST_LOAD_FAIL / EMULATION_FAIL: the hypervisor has already queued the program interrupt, so the handler (QEMU's
 * part) only reports and resumes; it must not touch the vCPU, the machine or the VM's devices.
 */
class EmulationFailureHandlerTest {
    private final ExitContext context = mock(ExitContext.class);
    private final Vcpu vcpu = mock(Vcpu.class);

    @Test
    void instructionLoadFailureResumesWithoutTouchingTheVcpu() {
        when(context.vcpu()).thenReturn(vcpu);
        when(context.vmId()).thenReturn(7);
        when(vcpu.index()).thenReturn(0);
        PpcExit exit = new PpcExit("INST_LOAD_FAIL", Ivor.DTLB_MISS, 0, 0x1234, LastInstLoader.INST_FETCH_FAILED);
        assertEquals(ExitAction.RESUME, new EmulationFailureHandler().handle(context, exit));
        verify(context).vmId();
        verify(context).vcpu();
        verify(vcpu).index();
        verifyNoMoreInteractions(context, vcpu);
    }

    @Test
    void emulationFailureResumesAndReportsKvmsExitReason() {
        when(context.vcpu()).thenReturn(vcpu);
        PpcExit exit = new PpcExit("EMULATION_FAIL", Ivor.HV_PRIV, Esr.PIL, 0, 0x7C00_07A4);
        assertEquals(ExitAction.RESUME, new EmulationFailureHandler().handle(context, exit));
        assertEquals(0xFFFF_FFFF_7C00_07A4L, exit.hardwareExitReason());
        verify(vcpu).index();
        verifyNoMoreInteractions(vcpu);
    }
}
