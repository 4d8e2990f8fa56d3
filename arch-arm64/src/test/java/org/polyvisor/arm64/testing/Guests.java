package org.polyvisor.arm64.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.Qemu;

/** Which committed arm64 guests there are, how many vCPUs each wants, and how to run one on QEMU (the test kit's). */
public final class Guests {
    /** Guests whose golden file comes from Polyvisor because QEMU's cortex-a57 cannot run them (no 16K granule). */
    public static final List<String> NOT_ON_QEMU = List.of("mmu16k");

    /**
     * Guests that need another bundle: rtcswap uses the PL031 of device-pl031 (QEMU's virt machine has it built in),
     * featreg the system register of the test-only testfeature bundle. The distribution's integration tests run
     * them; the CPU model's suite leaves them out.
     */
    public static final List<String> NEED_OTHER_BUNDLES = List.of("rtcswap", "featreg");

    /**
     * Hypervisor-layer guests (GICv3, PSCI SMP) with their vCPU count: QEMU runs them with
     * {@code -M virt,gic-version=3 -smp N}, Polyvisor with the same number of vCPUs.
     */
    public static final Map<String, Integer> HYP_GUESTS = Map.of("psci", 2, "smp", 4,
            "gictimer", 1, "mmio", 1, "wfi", 2, "swapsmp", 4);

    private Guests() {
    }

    /** vCPUs the guest is meant to run with. */
    public static int smp(String name) {
        return HYP_GUESTS.getOrDefault(name, 1);
    }

    public static Path dir() {
        return GuestFiles.dir("arm64");
    }

    /** Names of the guests that have a golden file, without those that need another bundle. */
    public static Stream<String> withGoldenFiles() throws IOException {
        return GuestFiles.withGoldenFiles("arm64", NEED_OTHER_BUNDLES).stream();
    }

    public static boolean qemuInstalled() {
        return Qemu.aarch64Virt(1).available();
    }

    /** Console bytes of a QEMU run (virt, GICv3, cortex-a57); an assertion error on timeout. */
    public static byte[] runOnQemu(Path elf, long timeoutSeconds) throws IOException, InterruptedException {
        return runOnQemu(elf, timeoutSeconds, 1, true);
    }

    /**
     * The same with {@code -smp}; {@code gicV3} selects {@code -M virt,gic-version=3}, the machine Polyvisor models
     * (the only guest-visible difference to QEMU's default GICv2 is ID_AA64PFR0_EL1.GIC = 1).
     */
    public static byte[] runOnQemu(Path elf, long timeoutSeconds, int smp, boolean gicV3)
            throws IOException, InterruptedException {
        return Qemu.aarch64Virt(smp, gicV3).run(elf, Duration.ofSeconds(timeoutSeconds));
    }
}
