package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.ValueLayout;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.ppc.internal.LocalVm;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.testkit.Golden;

/** Exporting a vCPU mid-run and importing it into a fresh machine round-trips, and the copy finishes the run. */
class StateRoundTripTest {
    @Test
    void vcpuStateRoundTripsExactlyAndResumes() throws Exception {
        try (LocalVm a = new LocalVm(GuestRun.elf("tlb"), Map.of())) {
            // run into the middle of the guest: after some console output, guest TLB entries written
            assertEquals(true, a.runUntilConsole(200), "guest ended too early: " + a.console);
            StateSnapshot s1 = a.vcpu.exportState();
            assertEquals("ppc-booke.vcpu", s1.kind());
            assertNotEquals(0L, s1.value("spr.GIVPR"));
            try (LocalVm b = new LocalVm(null, Map.of())) {
                // RAM is framework-owned and survives swaps: copy it, as the framework would keep it
                a.memory.forEachAllocatedChunk((gpa, seg) -> {
                    byte[] bytes = seg.toArray(ValueLayout.JAVA_BYTE);
                    b.memory.writeBytes(gpa, bytes, 0, bytes.length);
                });
                b.vcpu.importState(s1);
                StateSnapshot s2 = b.vcpu.exportState();
                assertEquals(s1, s2);
                b.machine.importState(a.machine.exportState());
                b.runToEnd();
                // the copy prints the rest of the output, from where the original stopped
                Golden.assertSameBytes(Golden.expected(GuestRun.elf("tlb")), a.console + b.console.toString(),
                        "tlb output, original then copy");
            }
        }
    }
}
