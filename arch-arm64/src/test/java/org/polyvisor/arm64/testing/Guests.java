package org.polyvisor.arm64.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Where the committed guest ELFs and golden files are, and how to run one on QEMU. */
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
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("guests/arm64");
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("guests/arm64 not found above " + Path.of("").toAbsolutePath());
    }

    /** Names of the guests that have a golden file. */
    public static Stream<String> withGoldenFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".expected"))
                    .map(n -> n.substring(0, n.length() - ".expected".length()))
                    .filter(n -> !NEED_OTHER_BUNDLES.contains(n)).sorted().toList().stream();
        }
    }

    public static boolean qemuInstalled() {
        try {
            Process p = new ProcessBuilder("qemu-system-aarch64", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Console bytes of a QEMU run (virt, cortex-a57), or an exception on timeout. */
    public static byte[] runOnQemu(Path elf, long timeoutSeconds) throws IOException, InterruptedException {
        return runOnQemu(elf, timeoutSeconds, 1, true);
    }

    /**
     * The same with {@code -smp}; {@code gicV3} selects {@code -M virt,gic-version=3}, the machine Polyvisor models
     * (the only guest-visible difference to QEMU's default GICv2 is ID_AA64PFR0_EL1.GIC = 1).
     */
    public static byte[] runOnQemu(Path elf, long timeoutSeconds, int smp, boolean gicV3)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("qemu-console", ".bin");
        try {
            Process p = new ProcessBuilder("qemu-system-aarch64", "-M", gicV3 ? "virt,gic-version=3" : "virt", "-cpu",
                    "cortex-a57", "-smp", String.valueOf(smp), "-nographic",
                    "-nic", "none", "-kernel", elf.toString()).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("QEMU did not finish " + elf.getFileName() + " within " + timeoutSeconds + " s");
            }
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
