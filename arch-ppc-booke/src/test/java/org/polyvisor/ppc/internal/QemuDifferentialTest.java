package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.ppc.internal.bench.Qemu;

/** Each guest on qemu-system-ppc (ppce500, e500mc) and on Polyvisor in guest state: the same console bytes. */
class QemuDifferentialTest {
    static Stream<String> guests() {
        return GuestSuiteTest.guests();
    }

    @ParameterizedTest
    @MethodSource("guests")
    void sameBytesAsQemu(String guest) throws Exception {
        Assumptions.assumeTrue(Qemu.available(), "qemu-system-ppc is not on PATH");
        byte[] qemu = Qemu.run(GuestRun.elf(guest), 20);
        GuestRun.Result ours = GuestRun.run(GuestRun.elf(guest), Map.of(), 20_000);
        assertEquals(new String(qemu, StandardCharsets.ISO_8859_1), ours.console(), guest);
    }
}
