package org.polyvisor.arm64.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.polyvisor.api.VmConfig;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.GeometryConfigurator;
import org.polyvisor.arm64.testing.LocalVm;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.testkit.GuestFiles;

/**
 * Stage 2 costs: guest MIPS on the crc32 guest with the built-in stage 2 and with per-VM VTCRs (IPA size x granule,
 * as feature-stage2 configures them), and stage-2 faults resolved per second (a guest writing one word into each of
 * 16384 fresh 4K pages: every write is a translation fault mapped by the hypervisor and re-run). Run:
 * {@code java -cp <test classpath> org.polyvisor.arm64.bench.Stage2Benchmark [runs]}.
 */
public final class Stage2Benchmark {
    private static final int ADD_X4_4K = 0x9140_0484;
    private static final int SUBS_X5_1 = 0xF100_04A5;
    private static final int BNE_MINUS_12 = 0x54FF_FFA1;
    private static final int PAGES = 16384;

    private Stage2Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path elf = GuestFiles.elf("arm64", "crc32");
        String[][] configs = {{null, null}, {"40", "4k"}, {"36", "64k"}, {"44", "16k"}, {"32", "4k"}};
        for (int round = 0; round < runs; round++) {
            for (String[] c : configs) {
                Arm64Architecture arch = new Arm64Architecture();
                VmConfig cfg = VmConfig.of("arm64", 128L << 20, 1, null);
                if (c[0] != null) {
                    arch.setStage2Configurator(new GeometryConfigurator());
                    cfg = cfg.withOption("ipa", c[0]).withOption("s2granule", c[1]);
                }
                try (LocalVm vm = new LocalVm(ElfImage.read(elf), arch, cfg)) {
                    LocalVm.Result r = vm.run(120_000);
                    if (r.status() != 0) {
                        throw new IllegalStateException("guest failed: " + r.failure());
                    }
                    System.out.printf("round %d %-18s %.1f MIPS per CPU-second (%.1f wall)%n", round + 1,
                            c[0] == null ? "built-in" : "ipa=" + c[0] + "," + c[1],
                            r.instructions() / (r.cpuNanos() / 1e3), r.instructions() / (r.nanos() / 1e3));
                }
            }
            faultsPerSecond(round + 1);
        }
    }

    private static void faultsPerSecond(int round) {
        List<String> out = new ArrayList<>();
        VmConfig cfg = VmConfig.of("arm64", 128L << 20, 1, null).withOption("host", "vhe");
        try (TestMachine m = new TestMachine(new Arm64Architecture(), cfg, GuestClock.HOST)) {
            m.load(TestMachine.RAM, new A64().mov(4, TestMachine.RAM + (1 << 20)).mov(5, PAGES).mov(2, 7)
                    .strX(2, 4).word(ADD_X4_4K).word(SUBS_X5_1).word(BNE_MINUS_12).hvc().code());
            Arm64Vcpu v = m.vcpu(0);
            long t0 = System.nanoTime();
            Arm64Exit e = (Arm64Exit) v.run();
            long ns = System.nanoTime() - t0;
            long faults = m.machine().stage2().faults();
            out.add(String.format("round %d stage-2 faults: %d in %.1f ms = %.0f per second (exit %s)", round, faults,
                    ns / 1e6, faults / (ns / 1e9), e.exitClass()));
        }
        out.forEach(System.out::println);
    }
}
