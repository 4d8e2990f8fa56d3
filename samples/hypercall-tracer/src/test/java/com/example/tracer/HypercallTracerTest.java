package com.example.tracer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.Vcpu;

/** The tracer alone: Mockito plays the framework (the exit context, the vCPU's registers, the guest clock). */
class HypercallTracerTest {
    private final Vcpu vcpu = mock(Vcpu.class);
    private final ExitContext context = mock(ExitContext.class);
    private final HypercallTracer tracer = new HypercallTracer();

    HypercallTracerTest() {
        MachineContext machine = mock(MachineContext.class);
        GuestClock clock = mock(GuestClock.class);
        when(clock.nanos()).thenReturn(1_500_000L);
        when(machine.clock()).thenReturn(clock);
        when(context.machineContext()).thenReturn(machine);
        when(context.vcpu()).thenReturn(vcpu);
        when(context.vmId()).thenReturn(7);
        when(vcpu.index()).thenReturn(1);
    }

    private static Exit.ArchExit exit(String exitClass) {
        return () -> exitClass;
    }

    @Test
    void recordsAnArm64CallWithArgumentsResultAndTiming() {
        Exit.ArchExit hvc = exit("HVC64");
        when(vcpu.registers()).thenReturn(Map.of("x0", 0x8400_000AL, "x1", 0xC400_0003L, "x2", 2L, "x3", 3L));
        tracer.exitEntered(context, hvc);
        when(vcpu.registers()).thenReturn(Map.of("x0", 0L, "x1", 0xC400_0003L, "x2", 2L, "x3", 3L));
        tracer.exitHandled(context, hvc, ExitAction.RESUME, 850);

        List<Hypercall> calls = tracer.recent(7);
        assertEquals(1, calls.size(), calls::toString);
        Hypercall c = calls.get(0);
        assertEquals(0x8400_000AL, c.function());
        assertArrayEquals(new long[] {0xC400_0003L, 2, 3}, c.args());
        assertEquals(0, c.result());
        assertEquals(1, c.vcpu());
        assertEquals(850, c.handlerNanos());
        assertEquals("vcpu1 HVC64 PSCI_FEATURES(0xc4000003, 0x2, 0x3) = 0x0 at 1.500000 ms, 850 ns", c.line());
        String shown = tracer.show(7);
        assertTrue(shown.startsWith("VM 7: 1 hypercalls, 850 ns in handlers"), shown);
        assertTrue(shown.contains("HVC64 PSCI_FEATURES"), shown);
    }

    @Test
    void recordsAnE500mcScOneFromR11AndR3() {
        Exit.ArchExit sc = exit("HV_SYSCALL");
        when(vcpu.registers()).thenReturn(Map.of("r11", (42L << 16) | 3, "r3", 5L, "r4", 6L, "r5", 7L));
        tracer.exitEntered(context, sc);
        when(vcpu.registers()).thenReturn(Map.of("r11", (42L << 16) | 3, "r3", 0L, "r4", 0L, "r5", 7L));
        tracer.exitHandled(context, sc, ExitAction.RESUME, 10);

        Hypercall c = tracer.recent(7).get(0);
        assertEquals("vcpu1 HV_SYSCALL KVM_HC_FEATURES(0x5, 0x6, 0x7) = 0x0 at 1.500000 ms, 10 ns", c.line());
    }

    @Test
    void exitsThatAreNotHypercallsAreLeftAlone() {
        Exit.ArchExit sys = exit("SYS64");
        tracer.exitEntered(context, sys);
        tracer.exitHandled(context, sys, ExitAction.RESUME, 10);
        assertEquals(0, tracer.calls(7));
        assertEquals("VM 7: no hypercalls traced (pv:list shows the VMs)", tracer.show(7));
    }

    @Test
    void keepsTheLastThousandCallsAndCountsThemAll() {
        Exit.ArchExit hvc = exit("HVC64");
        when(vcpu.registers()).thenReturn(Map.of("x0", 0x8400_0000L));
        for (int i = 0; i < VmTrace.RECENT + 5; i++) {
            tracer.exitEntered(context, hvc);
            tracer.exitHandled(context, hvc, ExitAction.RESUME, 1);
        }
        assertEquals(VmTrace.RECENT + 5, tracer.calls(7));
        assertEquals(VmTrace.RECENT, tracer.recent(7).size());
        assertEquals("cleared the traces of 1 VM(s)", tracer.clear());
        assertEquals(0, tracer.calls(7));
    }
}
