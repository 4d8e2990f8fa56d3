package org.polyvisor.arm64.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.testing.Guests;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.testkit.MachineRunner;

/**
 * Exit round trips per second (not a test): guests/arm64/hvcbench.elf makes 2,000,000 PSCI_VERSION calls with
 * {@code hvc #0} and times them with CNTVCT. On Polyvisor every call is a full exit: world switch out, the framework's
 * run loop and exit-handler whiteboard, the PSCI handler, world switch in. QEMU answers the same hvc inside TCG.
 * Median of {@code runs} (default 5) per host model; run with scripts/bench.sh arch-arm64
 * org.polyvisor.arm64.bench.ExitBenchmark [runs].
 */
public final class ExitBenchmark {
    private static final Pattern OUT = Pattern.compile("hvc_calls=(\\d+) ticks=(\\d+)");

    private ExitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path elf = Guests.dir().resolve("hvcbench.elf");
        boolean qemu = Guests.qemuInstalled();
        String[] names = {"polyvisor host=vhe", "polyvisor host=nvhe", "arch-arm64 only (no framework) host=vhe",
            "arch-arm64 only (no framework) host=nvhe", "qemu-system-aarch64 (TCG, answers PSCI itself)"};
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (String n : names) {
            rates.put(n, new ArrayList<>());
        }
        // warm-up (JIT), then round-robin so that load from other processes affects every configuration alike
        HypVm.run(elf, "vhe", 1, 120_000);
        HypVm.run(elf, "nvhe", 1, 120_000);
        direct(elf, "vhe");
        direct(elf, "nvhe");
        for (int i = 0; i < runs; i++) {
            rates.get(names[0]).add(rate(HypVm.run(elf, "vhe", 1, 120_000).console()));
            rates.get(names[1]).add(rate(HypVm.run(elf, "nvhe", 1, 120_000).console()));
            rates.get(names[2]).add(direct(elf, "vhe"));
            rates.get(names[3]).add(direct(elf, "nvhe"));
            if (qemu) {
                rates.get(names[4]).add(rate(new String(Guests.runOnQemu(elf, 120, 1, true),
                        StandardCharsets.ISO_8859_1)));
            }
        }
        rates.forEach((n, r) -> {
            if (!r.isEmpty()) {
                report(n, r);
            }
        });
    }

    /** The arm64 machine and its PSCI handler on this thread, through the test kit's run loop: no VM manager. */
    private static double direct(Path elf, String host) {
        try (TestMachine m = new TestMachine(new Arm64Architecture(), host, 1)) {
            m.machine().boot(ElfImage.read(elf));
            MachineRunner.Result r = m.runner().handler(new PsciHandler(), "HVC64", "SMC64")
                    .run(Duration.ofSeconds(120));
            if (r.failure() != null) {
                throw new IllegalStateException("hvcbench failed: " + r.failure());
            }
            return rate(r.console());
        }
    }

    private static double rate(String console) {
        Matcher m = OUT.matcher(console);
        if (!m.find()) {
            throw new IllegalStateException("unexpected benchmark output: " + console);
        }
        double seconds = Long.parseLong(m.group(2)) / 62.5e6;
        return Long.parseLong(m.group(1)) / seconds;
    }

    private static void report(String what, List<Double> rates) {
        List<Double> s = new ArrayList<>(rates);
        s.sort(null);
        System.out.printf("%-50s median %6.2f M exits/s (min %.2f, max %.2f, %d runs)%n", what,
                s.get(s.size() / 2) / 1e6, s.getFirst() / 1e6, s.getLast() / 1e6, s.size());
    }
}
