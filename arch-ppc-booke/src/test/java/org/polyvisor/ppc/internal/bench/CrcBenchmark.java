package org.polyvisor.ppc.internal.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.polyvisor.ppc.internal.ElfPatch;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.testkit.GuestRunner;
import org.polyvisor.testkit.Qemu;

/**
 * Guest MIPS on the crc32 guest (table-driven CRC-32 over 1 MiB, {@code rounds} times), with QEMU's wall time on
 * the same binary when qemu-system-ppc is installed. Usage: CrcBenchmark [rounds=64] [repeats=3] [jit=on|off|N].
 */
public final class CrcBenchmark {
    private CrcBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String jit = args.length > 2 ? args[2] : null;
        Path tmp = Files.createTempDirectory("pv-crc");
        Path elf = ElfPatch.patch(GuestRun.elf("crc32"), "crc_rounds", new int[] {rounds}, tmp.resolve("crc32.elf"));
        System.out.printf("crc32 guest, %d rounds over 1 MiB, jit %s%n", rounds, jit == null ? "default" : jit);
        for (int i = 0; i < repeats; i++) {
            GuestRunner runner = GuestRun.runner();
            if (jit != null) {
                runner.option("jit", jit);
            }
            AtomicReference<VcpuCpuSampler> sampler = new AtomicReference<>();
            var r = runner.run(elf, Duration.ofMinutes(10), (hv, id) -> sampler.set(new VcpuCpuSampler(id)));
            sampler.get().close();
            double s = r.nanos() / 1e9;
            double cpu = sampler.get().cpuNanos() / 1e9;
            System.out.printf("polyvisor: %.3f s wall, %.3f s vCPU thread CPU, %,d instructions, %.1f MIPS (wall),"
                    + " %.1f MIPS (per vCPU CPU second), exits %s%n", s, cpu, r.instructions(),
                    r.instructions() / s / 1e6, r.instructions() / cpu / 1e6, r.exits());
        }
        Qemu qemu = Qemu.ppce500();
        if (qemu.available() && jit == null) {
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                qemu.run(elf, Duration.ofMinutes(10));
                System.out.printf("qemu-system-ppc: %.3f s wall (includes QEMU start-up)%n",
                        (System.nanoTime() - t0) / 1e9);
            }
        } else {
            System.out.println("qemu-system-ppc not on PATH or a jit option given: no comparison");
        }
    }
}
