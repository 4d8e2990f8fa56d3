package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.testkit.Golden;

/**
 * The hypervisor-layer guests (PSCI, SMP, GIC timer, MMIO, WFI) print exactly QEMU's output (their .expected files
 * were recorded with -M virt,gic-version=3 and the same -smp), under both host models.
 */
class HypGuestsTest {
    static Stream<Arguments> guests() {
        return Stream.of("vhe", "nvhe").flatMap(host -> Stream.of(
                Arguments.of("psci", 2, host), Arguments.of("smp", 4, host), Arguments.of("gictimer", 1, host),
                Arguments.of("mmio", 1, host), Arguments.of("wfi", 2, host)));
    }

    @ParameterizedTest(name = "{0} smp={1} host={2}")
    @MethodSource("guests")
    void printsQemuOutput(String guest, int smp, String host) throws Exception {
        Path elf = HypVm.guestDir().resolve(guest + ".elf");
        HypVm.Result r = HypVm.run(elf, host, smp, 30_000);
        Golden.assertSameBytes(Golden.expected(elf), r.console(),
                guest + " on " + host + " (" + r.info() + ", exits " + r.exits() + ")");
        assertEquals(VmState.STOPPED, r.info().state(), r.info().error());
        assertEquals(0, r.info().exitStatus());
    }
}
