package org.polyvisor.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * QEMU as the oracle of guest-visible behaviour: runs an ELF on the reference machine of an architecture and returns
 * its console bytes (serial on stdout with {@code -nographic}). The machines are the ones Polyvisor models:
 * {@code qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57} and {@code qemu-system-ppc -M ppce500 -cpu
 * e500mc}.
 *
 * @param binary    the QEMU executable
 * @param arguments everything before {@code -kernel IMAGE}
 */
public record Qemu(String binary, List<String> arguments) {
    /** Copies the arguments, so the command line cannot change between runs. */
    public Qemu {
        arguments = List.copyOf(arguments);
    }

    /**
     * QEMU's virt machine with GICv3 (the one Polyvisor models).
     *
     * @param smp number of CPUs
     * @return the oracle
     */
    public static Qemu aarch64Virt(int smp) {
        return aarch64Virt(smp, true);
    }

    /**
     * QEMU's virt machine; {@code gicV3} selects {@code gic-version=3} (the only guest-visible difference to QEMU's
     * default GICv2 for Polyvisor's guests is ID_AA64PFR0_EL1.GIC).
     *
     * @param smp   number of CPUs
     * @param gicV3 true for GICv3, false for QEMU's default GICv2
     * @return the oracle
     */
    public static Qemu aarch64Virt(int smp, boolean gicV3) {
        return new Qemu("qemu-system-aarch64", List.of("-M", gicV3 ? "virt,gic-version=3" : "virt", "-cpu",
                "cortex-a57", "-smp", String.valueOf(smp), "-nographic", "-nic", "none"));
    }

    /**
     * QEMU's ppce500 board with an e500mc core.
     *
     * @return the oracle
     */
    public static Qemu ppce500() {
        return new Qemu("qemu-system-ppc", List.of("-M", "ppce500", "-cpu", "e500mc", "-nographic", "-nic", "none",
                "-no-reboot"));
    }

    /**
     * Whether the binary is on the PATH (the differential tests are skipped, and say so, where it is not).
     *
     * @return true if QEMU can run
     */
    public boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the image until QEMU exits; fails with an {@link AssertionError} that shows the console so far when it
     * runs longer than allowed.
     *
     * @param elf     the guest image, passed as {@code -kernel}
     * @param timeout longest run
     * @return QEMU's console bytes
     * @throws IOException          if QEMU cannot be started or its output not read
     * @throws InterruptedException if the test thread is interrupted while QEMU runs
     */
    public byte[] run(Path elf, Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(arguments);
        cmd.add("-kernel");
        cmd.add(elf.toString());
        Path out = Files.createTempFile("qemu-console", ".bin");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new AssertionError(binary + " did not finish " + elf.getFileName() + " within "
                        + timeout.toSeconds() + " s; console so far: " + Golden.printable(Files.readAllBytes(out)));
            }
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
