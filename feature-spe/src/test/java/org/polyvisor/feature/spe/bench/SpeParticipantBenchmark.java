package org.polyvisor.feature.spe.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;

import com.sun.management.OperatingSystemMXBean;

import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.feature.spe.internal.HostProfiling;
import org.polyvisor.feature.spe.internal.SpeHardwareModel;
import org.polyvisor.feature.spe.internal.SpeHostSave;
import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.GuestRun;
import org.polyvisor.testkit.GuestRunner;

/**
 * Cost of the nVHE host SPE save per world switch: guests/arm64/hvcbench (2,000,000 PSCI_VERSION hypercalls, each a
 * full nVHE world switch) with no SPE participant against the SPE hardware model plus KVM's save (2017 form and
 * upstream form) while the host profiles. Reports process CPU nanoseconds per round trip, alternating the
 * configurations; the first two rounds are warm-up.
 *
 * <p>Run: {@code scripts/bench.sh feature-spe org.polyvisor.feature.spe.bench.SpeParticipantBenchmark [rounds]}.
 */
public final class SpeParticipantBenchmark {
    private SpeParticipantBenchmark() {
    }

    private static final long CALLS = 2_000_000L;

    private static double nanosPerSwitch(SpeHostSave.Form form) {
        HostProfiling.reset();
        Arm64Architecture arch = new Arm64Architecture();
        if (form != null) {
            HostProfiling.cpu(0).start(0x4030_0000L, 1L << 20);
            arch.addParticipant(new SpeHardwareModel());
            arch.addParticipant(new SpeHostSave(form));
        }
        long c0 = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        GuestRun g = GuestRunner.on(arch).handler(new PsciHandler(), "HVC64", "SMC64")
                .handler(new SysRegTrapHandler(), "SYS64").handler(new WfxHandler(), "WFx").option("host", "nvhe")
                .run(GuestFiles.elf("arm64", "hvcbench"), Duration.ofMinutes(5));
        long c1 = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        if (!g.console().contains("hvc_calls=")) {
            throw new IllegalStateException("hvcbench did not finish:\n" + g.console());
        }
        return (c1 - c0) / (double) CALLS;
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        SpeHostSave.Form[] configs = {null, SpeHostSave.Form.KVM_2017, SpeHostSave.Form.UPSTREAM};
        double[][] ns = new double[configs.length][rounds];
        for (int i = 0; i < rounds; i++) {
            for (int c = 0; c < configs.length; c++) {
                ns[c][i] = nanosPerSwitch(configs[c]);
                System.out.printf("round %d %-8s: %.1f ns CPU per round trip%n", i + 1,
                        configs[c] == null ? "none" : configs[c], ns[c][i]);
            }
        }
        for (int c = 0; c < configs.length; c++) {
            double[] warm = Arrays.copyOfRange(ns[c], Math.min(2, rounds - 1), rounds);
            Arrays.sort(warm);
            System.out.printf("%-8s median %.1f ns CPU per round trip%n", configs[c] == null ? "none" : configs[c],
                    warm[warm.length / 2]);
        }
        HostProfiling.reset();
    }
}
