package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.api.VmState;

/** Every guest of guests/ppc runs in guest state and prints exactly its golden .expected output (made on QEMU). */
class GuestSuiteTest {
    static Stream<String> guests() {
        return Stream.of("hello", "arith", "logic", "muldiv", "loadstore", "branch", "tlb", "interrupts", "dec", "mmio",
                "crc32", "xonly", "hvloop", "randharness", "usermode");
    }

    @ParameterizedTest
    @MethodSource("guests")
    void guestPrintsGoldenOutput(String guest) throws Exception {
        String expected = Files.readString(GuestRun.guestDir().resolve(guest + ".expected"), StandardCharsets.ISO_8859_1);
        GuestRun.Result r = GuestRun.run(guest);
        assertEquals(expected, r.console(), guest + " console (VM " + r.info() + ", exits " + r.exits() + ")");
        assertEquals(VmState.STOPPED, r.info().state(), r.info().error());
        assertEquals(0, r.info().exitStatus());
    }

    /** The same guests with every block compiled at its first execution, and with the interpreter only. */
    @ParameterizedTest
    @MethodSource("guests")
    void guestPrintsGoldenOutputCompiledAndInterpreted(String guest) throws Exception {
        String expected = Files.readString(GuestRun.guestDir().resolve(guest + ".expected"), StandardCharsets.ISO_8859_1);
        for (String jit : new String[] {"1", "off"}) {
            try (LocalVm vm = new LocalVm(GuestRun.elf(guest), Map.of("jit", jit)).runToEnd()) {
                assertEquals(expected, vm.console.toString(), guest + " with jit=" + jit);
                if (jit.equals("1")) {
                    assertTrue(vm.vcpu.cpu().compiler.compiled() > 0);
                    assertEquals(0, vm.vcpu.cpu().compiler.failures());
                }
            }
        }
    }
}
