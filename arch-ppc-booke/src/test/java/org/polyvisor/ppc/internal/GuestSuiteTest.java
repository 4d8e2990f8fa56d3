package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.api.VmState;
import org.polyvisor.testkit.Golden;

/** Every guest of guests/ppc runs in guest state and prints exactly its golden .expected output (made on QEMU). */
class GuestSuiteTest {
    static Stream<String> guests() {
        return Stream.of("hello", "arith", "logic", "muldiv", "loadstore", "branch", "tlb", "interrupts", "dec", "mmio",
                "crc32", "xonly", "hvloop", "randharness", "usermode", "branchy");
    }

    @ParameterizedTest
    @MethodSource("guests")
    void guestPrintsGoldenOutput(String guest) throws Exception {
        byte[] expected = Golden.expected(GuestRun.elf(guest));
        GuestRun.Result r = GuestRun.run(guest);
        Golden.assertSameBytes(expected, r.console(), guest + " console (VM " + r.info() + ", exits " + r.exits()
                + ")");
        assertEquals(VmState.STOPPED, r.info().state(), r.info().error());
        assertEquals(0, r.info().exitStatus());
    }

    /** The same guests with every block compiled at its first execution, and with the interpreter only. */
    @ParameterizedTest
    @MethodSource("guests")
    void guestPrintsGoldenOutputCompiledAndInterpreted(String guest) throws Exception {
        byte[] expected = Golden.expected(GuestRun.elf(guest));
        for (String jit : new String[] {"1", "off"}) {
            try (LocalVm vm = new LocalVm(GuestRun.elf(guest), Map.of("jit", jit)).runToEnd()) {
                Golden.assertSameBytes(expected, vm.console.toString(), guest + " with jit=" + jit);
                if (jit.equals("1")) {
                    assertTrue(vm.vcpu.cpu().compiler.compiled() > 0);
                    assertEquals(0, vm.vcpu.cpu().compiler.failures());
                }
            }
        }
    }
}
