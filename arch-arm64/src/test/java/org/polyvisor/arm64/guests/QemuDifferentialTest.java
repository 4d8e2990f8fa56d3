package org.polyvisor.arm64.guests;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.arm64.testing.Guests;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.arm64.testing.LocalVm;
import org.polyvisor.testkit.Golden;

/**
 * Each guest prints the same bytes on qemu-system-aarch64 ({@code -M virt,gic-version=3 -cpu cortex-a57}, the machine
 * Polyvisor models) and on Polyvisor. The hypervisor-layer guests get their {@code -smp} count on QEMU and as many
 * vCPUs through the VM manager (host model vhe; HypGuestsTest covers nvhe against the same golden files).
 */
class QemuDifferentialTest {
    @BeforeAll
    static void needsQemu() {
        Assumptions.assumeTrue(Guests.qemuInstalled(), "qemu-system-aarch64 not on PATH");
    }

    static Stream<String> guests() throws Exception {
        return Guests.withGoldenFiles().filter(n -> !Guests.NOT_ON_QEMU.contains(n));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guests")
    void sameConsoleBytesAsQemu(String name) throws Exception {
        Path elf = Guests.dir().resolve(name + ".elf");
        boolean hyp = Guests.HYP_GUESTS.containsKey(name);
        byte[] qemu = Guests.runOnQemu(elf, 20, Guests.smp(name), true);
        String ours = hyp ? HypVm.run(elf, "vhe", Guests.smp(name), 60_000).console()
                : LocalVm.run(elf, 60_000).console();
        Golden.assertSameBytes(qemu, ours, name + ": Polyvisor against QEMU");
    }
}
