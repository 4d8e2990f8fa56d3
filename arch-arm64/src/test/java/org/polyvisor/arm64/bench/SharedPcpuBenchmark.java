package org.polyvisor.arm64.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.polyvisor.api.VmConfig;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.HostMachine;
import org.polyvisor.arm64.internal.hyp.PcpuProfile;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.GuestClock;

/**
 * A TLB-miss-heavy guest (loads from 1024 distinct 4K pages, round after round: every access misses unless the TLB
 * still holds the page) in several VMs at once: on one shared physical CPU with VMID-tagged TLBs (each VM finds its
 * entries again after the others ran), on one shared CPU whose TLB holds one VM's entries only (flushed whenever
 * another VM runs, as without VMID tagging), and with a PE per vCPU (the default, for reference). Prints guest
 * million instructions per CPU-second of the vCPU threads (time waiting for the shared CPU is not counted, and the
 * machine's other load counts less than in wall time) and the wall time. Run:
 * {@code scripts/bench.sh arch-arm64 org.polyvisor.arm64.bench.SharedPcpuBenchmark [vms] [runs]}.
 */
public final class SharedPcpuBenchmark {
    private static final int PAGES = 1024;
    private static final int ROUNDS = 15000;

    private SharedPcpuBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int vms = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        for (int run = 1; run <= runs; run++) {
            for (String mode : new String[] {"shared, VMID-tagged", "shared, untagged", "own PE per vCPU"}) {
                HostMachine host = switch (mode) {
                    case "shared, VMID-tagged" -> new HostMachine(List.of(PcpuProfile.CORTEX_A57), true);
                    case "shared, untagged" -> new HostMachine(List.of(PcpuProfile.CORTEX_A57), false);
                    default -> new HostMachine();
                };
                System.out.printf("run %d %-20s %d VMs: %s%n", run, mode, vms, mips(host, vms));
            }
        }
    }

    private static String mips(HostMachine host, int vms) throws Exception {
        Arm64Architecture arch = new Arm64Architecture(host);
        List<TestMachine> machines = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(vms);
        try {
            for (int i = 0; i < vms; i++) {
                TestMachine m = new TestMachine(arch, VmConfig.of("arm64", 16L << 20, 1, null), GuestClock.HOST);
                // x6 rounds of: x5 = PAGES loads, one per 4K page from RAM + 4 MiB; then HVC
                A64 a = new A64().mov(6, ROUNDS);
                int round = a.size();
                a.mov(4, TestMachine.RAM + (4 << 20)).mov(5, PAGES);
                int loop = a.size();
                a.ldrW(3, 4).word(0x9140_0484).word(0xF100_04A5);      // ldr w3, [x4]; add x4, x4, #4K; subs x5, #1
                a.word(0x5400_0001 | (((loop - a.size()) & 0x7FFFF) << 5)); // b.ne loop
                a.word(0xF100_04C6);                                  // subs x6, x6, #1
                a.word(0x5400_0001 | (((round - a.size()) & 0x7FFFF) << 5)); // b.ne round
                a.hvc();
                m.load(TestMachine.RAM, a.code());
                machines.add(m);
            }
            long t0 = System.nanoTime();
            List<Future<Long>> runs = new ArrayList<>();
            ThreadMXBean cpuTime = ManagementFactory.getThreadMXBean();
            for (TestMachine m : machines) {
                runs.add(threads.submit(() -> {
                    long c0 = cpuTime.getCurrentThreadCpuTime();
                    String exit = ((Arm64Exit) m.vcpu(0).run()).exitClass();
                    if (!exit.equals("HVC64")) {
                        throw new IllegalStateException("guest ended with " + exit);
                    }
                    return cpuTime.getCurrentThreadCpuTime() - c0;
                }));
            }
            long cpuNs = 0;
            for (Future<Long> r : runs) {
                cpuNs += r.get(10, TimeUnit.MINUTES);
            }
            long ns = System.nanoTime() - t0;
            long insns = 0;
            for (TestMachine m : machines) {
                insns += m.vcpu(0).instructionsRetired();
            }
            return String.format("%.1f guest MIPS per CPU-second, %.0f ms wall%s", insns / (cpuNs / 1e3), ns / 1e6,
                    host.pcpus() == null ? "" : ", " + host.pcpus().cpu(0).loads() + " loads");
        } finally {
            threads.shutdownNow();
            machines.forEach(TestMachine::close);
        }
    }
}
