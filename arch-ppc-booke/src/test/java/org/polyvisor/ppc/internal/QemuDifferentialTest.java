package org.polyvisor.ppc.internal;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.testkit.Golden;
import org.polyvisor.testkit.Qemu;

/** Each guest on qemu-system-ppc (ppce500, e500mc) and on Polyvisor in guest state: the same console bytes. */
class QemuDifferentialTest {
    private static final Qemu QEMU = Qemu.ppce500();

    static Stream<String> guests() {
        return GuestSuiteTest.guests();
    }

    @ParameterizedTest
    @MethodSource("guests")
    void sameBytesAsQemu(String guest) throws Exception {
        Assumptions.assumeTrue(QEMU.available(), "qemu-system-ppc is not on PATH");
        byte[] qemu = QEMU.run(GuestRun.elf(guest), Duration.ofSeconds(20));
        GuestRun.Result ours = GuestRun.run(GuestRun.elf(guest), Map.of(), 20_000);
        Golden.assertSameBytes(qemu, ours.console(), guest + " (VM " + ours.info() + ")");
    }
}
