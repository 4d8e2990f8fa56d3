package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmConfig;
import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.Vcpu;

/**
 * INST_LOAD_FAIL / EMULATION_FAIL, QEMU's part: by default the VM stops in INTERNAL_ERROR with QEMU's "unknown exit,
 * hardware reason ..." and the failing instruction; {@code inst-load-fail=resume} resumes; a load that gave up after
 * its retries always stops. The hypervisor has already queued what the guest gets, so the handler must not touch the
 * vCPU.
 */
class EmulationFailureHandlerTest {
    private final ExitContext context = mock(ExitContext.class);
    private final MachineContext machine = mock(MachineContext.class);
    private final Vcpu vcpu = mock(Vcpu.class);

    private void options(String... keyValues) {
        VmConfig config = VmConfig.of("ppc-booke", 1 << 20, 1, Path.of("guest.elf"));
        for (int i = 0; i < keyValues.length; i += 2) {
            config = config.withOption(keyValues[i], keyValues[i + 1]);
        }
        when(context.machineContext()).thenReturn(machine);
        when(machine.config()).thenReturn(config);
        when(context.vcpu()).thenReturn(vcpu);
    }

    @Test
    void instructionLoadFailureStopsTheVmWithQemusMessageByDefault() {
        options();
        PpcExit exit = new PpcExit("INST_LOAD_FAIL", Ivor.DTLB_MISS, 0, 0x1234, LastInstLoader.INST_FETCH_FAILED,
                0x7000_0000, InstLoad.NO_EXECUTE.description(), 0);
        ExitAction.Halt halt = assertInstanceOf(ExitAction.Halt.class, new EmulationFailureHandler().handle(context, exit));
        assertEquals("unknown exit, hardware reason 0xffffffffffffffff (INST_LOAD_FAIL after DTLB_MISS: no execute"
                + " permission) at PC 0x70000000, instruction not readable (0xffffffff); a program interrupt is queued"
                + " for the guest (delivered on resume)", halt.reason());
        verifyNoInteractions(vcpu);
    }

    @Test
    void emulationFailureNamesTheInstruction() {
        options("inst-load-fail", "stop");
        PpcExit exit = new PpcExit("EMULATION_FAIL", Ivor.HV_PRIV, Esr.PIL, 0, 0x7C00_07A4, 0x100, "instruction not"
                + " emulated", 0);
        ExitAction.Halt halt = assertInstanceOf(ExitAction.Halt.class, new EmulationFailureHandler().handle(context, exit));
        assertEquals(0xFFFF_FFFF_7C00_07A4L, exit.hardwareExitReason());
        assertTrue(halt.reason().startsWith("unknown exit, hardware reason 0xffffffff7c0007a4 (EMULATION_FAIL after"
                + " HV_PRIV: instruction not emulated) at PC 0x00000100, instruction 0x7c0007a4"), halt.reason());
    }

    @Test
    void resumeOptionKeepsTheOldBehaviour() {
        options("inst-load-fail", "resume");
        when(context.vmId()).thenReturn(7);
        PpcExit exit = new PpcExit("INST_LOAD_FAIL", Ivor.DTLB_MISS, 0, 0x1234, LastInstLoader.INST_FETCH_FAILED,
                0x1000, InstLoad.NOT_RAM.description(), 0);
        assertEquals(ExitAction.RESUME, new EmulationFailureHandler().handle(context, exit));
    }

    @Test
    void aLoadThatGaveUpStopsEvenWithResume() {
        options("inst-load-fail", "resume");
        PpcExit exit = new PpcExit("INST_LOAD_FAIL", Ivor.HV_PRIV, 0, 0, LastInstLoader.INST_FETCH_FAILED, 0x1000,
                InstLoad.NO_EXECUTE.description(), LoadFailurePolicy.MAX_RETRIES);
        ExitAction.Halt halt = assertInstanceOf(ExitAction.Halt.class, new EmulationFailureHandler().handle(context, exit));
        assertTrue(halt.reason().endsWith("the load still failed after 1000 EMULATE_AGAIN retries (lastinst.fail=again)"),
                halt.reason());
        verifyNoInteractions(vcpu);
    }
}
