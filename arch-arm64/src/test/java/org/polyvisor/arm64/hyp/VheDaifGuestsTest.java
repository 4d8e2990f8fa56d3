package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.testkit.Golden;
import org.polyvisor.testkit.GuestRun;

/**
 * The vhe.daif designs change only the host's DAIF: under each of them the guests still print exactly QEMU's output
 * (the same .expected files as HypGuestsTest), through the VM manager as the OSGi runtime runs them.
 */
class VheDaifGuestsTest {
    @ParameterizedTest(name = "vhe.daif={0}")
    @ValueSource(strings = {"upstream", "leak", "saverestore", "clear-d-a-f"})
    void guestsMatchQemuUnderEveryDesign(String design) throws Exception {
        for (String guest : new String[] {"psci", "gictimer"}) {
            Path elf = HypVm.guestDir().resolve(guest + ".elf");
            GuestRun r = HypVm.runner(new Arm64Architecture()).vcpus(guest.equals("psci") ? 2 : 1)
                    .option("host", "vhe").option("vhe.daif", design).run(elf, Duration.ofSeconds(30));
            assertEquals(VmState.STOPPED, r.info().state(), guest + " under " + design + ": " + r.info());
            Golden.assertSameBytes(Golden.expected(elf), r.console(), guest + " under " + design);
        }
    }
}
