package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.cpu.sysreg.El1Registers;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.HypConstants;
import org.polyvisor.arm64.internal.hyp.PhysicalCpu;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WorldSwitch;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;

/**
 * The world-switch property: for random guest activity (EL1 system registers, SP_EL0/SP, DAIF, first touches of RAM)
 * ended by every exit class (HVC64, SMC64, SYS64, WFx, MMIO read and write, an IRQ/kick exit), on both host models,
 * the host context after each return to the host equals the context before, except what the architecture changes
 * (exit syndrome/return registers; DAIF = DAIF_PROCCTX_NOIRQ after a VHE run). The guest also finds its own values
 * again. A deliberately broken participant shows that a missed restore is caught.
 */
class HostContextPropertyTest {
    enum ExitKind { HVC, SMC, SYS64, WFI, MMIO_READ, MMIO_WRITE, KICK }

    /** One step of guest activity: a register write, a DAIF change, or a RAM touch. */
    record Activity(int kind, int which, long value) {
    }

    /** Guest-writable EL1 registers whose values cannot stop the guest from running with the MMU off. */
    static final List<String> REGS = List.of("TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "MAIR_EL1", "AMAIR_EL1",
            "CONTEXTIDR_EL1", "TPIDR_EL1", "TPIDR_EL0", "TPIDRRO_EL0", "ESR_EL1", "FAR_EL1", "AFSR0_EL1", "AFSR1_EL1",
            "PAR_EL1", "CNTKCTL_EL1", "VBAR_EL1", "ELR_EL1", "SPSR_EL1", "SCTLR_EL1", "MDSCR_EL1", "SP_EL0");

    record Segment(List<Activity> activity, ExitKind exit) {
    }

    @Provide
    Arbitrary<Segment> segments() {
        Arbitrary<Activity> act = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, REGS.size() - 1), Arbitraries.longs()).as(Activity::new);
        return Combinators.combine(act.list().ofMaxSize(6), Arbitraries.of(ExitKind.class)).as(Segment::new);
    }

    @Property(tries = 40)
    void hostContextSurvivesEveryExit(@ForAll("hostModels") String host,
                                      @ForAll @Size(min = 1, max = 8) List<@From("segments") Segment> program,
                                      @ForAll long seed) throws Exception {
        ModelSpeParticipant spe = new ModelSpeParticipant();
        List<String> diffs = runAndCompare(host, program, seed, spe);
        assertEquals(List.of(), diffs, "host context changed on " + host);
        assertFalse(spe.orderViolation, "SPE re-enabled before the host translation regime was restored");
    }

    /** Every exit class once, on both host models, whatever the random generator happens to pick above. */
    @Example
    void everyExitClassOnBothHostModels() throws Exception {
        List<Segment> all = new ArrayList<>();
        int which = 0;
        for (ExitKind k : ExitKind.values()) {
            all.add(new Segment(List.of(new Activity(0, which++ % REGS.size(), 0x1234_5678L * which),
                    new Activity(2, 0, which), new Activity(3, 0, 0)), k));
        }
        for (String host : List.of("vhe", "nvhe")) {
            ModelSpeParticipant spe = new ModelSpeParticipant();
            assertEquals(List.of(), runAndCompare(host, all, 42, spe), host);
            assertFalse(spe.orderViolation);
        }
    }

    @Property(tries = 10)
    void brokenParticipantIsCaught(@ForAll("hostModels") String host,
                                   @ForAll @Size(min = 1, max = 4) List<@From("segments") Segment> program,
                                   @ForAll long seed) throws Exception {
        List<String> diffs = runAndCompare(host, program, seed, new BrokenParticipant());
        assertTrue(diffs.stream().anyMatch(d -> d.startsWith("PMSCR_EL1")), "missed restore not detected: " + diffs);
    }

    @Provide
    Arbitrary<String> hostModels() {
        return Arbitraries.of("vhe", "nvhe");
    }

    /** Runs the program segment by segment, comparing the host context around every run(); returns differences. */
    static List<String> runAndCompare(String host, List<Segment> program, long seed,
                                      WorldSwitchParticipant participant) throws Exception {
        Arm64Architecture arch = new Arm64Architecture();
        arch.addParticipant(participant);
        try (TestMachine m = new TestMachine(arch, host, 1)) {
            A64 a = new A64();
            Map<String, Long> guestExpect = new LinkedHashMap<>();
            long page = 0x4010_0000L;
            for (Segment s : program) {
                for (Activity act : s.activity()) {
                    switch (act.kind()) {
                        case 0, 1 -> {
                            String r = REGS.get(act.which());
                            long v = sanitize(r, act.value());
                            a.mov(1, v).msr(r, 1);
                            guestExpect.put(r, v);
                        }
                        case 2 -> a.word((act.value() & 1) == 0 ? 0xD503_40DF | (int) ((act.value() >>> 1) & 0xF) << 8
                                : 0xD503_40FF | (int) ((act.value() >>> 1) & 0xF) << 8);
                        default -> {
                            page += 0x1000; // first touch of a RAM page: a stage-2 fault resolved in the run loop
                            a.mov(4, page).strX(1, 4);
                        }
                    }
                }
                switch (s.exit()) {
                    case HVC -> a.mov(0, 0x8400_0000L).hvc();
                    case SMC -> a.mov(0, 0x8400_0000L).smc();
                    case SYS64 -> a.mrs(2, "ID_AA64MMFR0_EL1");
                    case WFI -> a.wfi();
                    case MMIO_READ -> a.mov(3, 0x0900_0018L).ldrW(2, 3);
                    case MMIO_WRITE -> a.mov(3, 0x0900_0030L).mov(2, 0x300).strW(2, 3);
                    case KICK -> a.branchSelf();
                }
            }
            a.mov(0, 0x8400_0008L).hvc(); // SYSTEM_OFF
            m.load(TestMachine.RAM, a.code());
            Arm64Vcpu v = m.vcpu(0);
            v.syncParticipants();
            WorldSwitch sw = v.worldSwitch();
            PhysicalCpu hw = v.physical();
            Random rnd = new Random(seed);
            List<String> eager = sw.hostContextRegisters();
            List<String> lazy = sw.lazyHostRegisters();
            for (String r : eager) {
                hw.write(r, r.equals("DAIF") ? rnd.nextInt(16) << 6 : rnd.nextLong());
            }
            for (String r : lazy) {
                hw.write(r, rnd.nextLong());
            }
            hw.write("PMBLIMITR_EL1", 1 | (rnd.nextLong() & ~0xFFFL)); // the host is profiling
            hw.write("PMSCR_EL1", 3 | (rnd.nextLong() & 0xF0));
            Map<String, Long> before = snapshot(hw, eager);
            Map<String, Long> beforeLazy = snapshot(hw, lazy);
            List<String> diffs = new ArrayList<>();
            boolean vhe = host.equals("vhe");
            PsciHandler psci = new PsciHandler();
            SysRegTrapHandler sys = new SysRegTrapHandler();
            // Kicks arrive every 2 ms, as the framework's pause protocol sends them: they end KICK segments (a
            // branch to self) and may also interrupt any other segment, which is one more exit to check.
            ScheduledExecutorService kicker = Executors.newSingleThreadScheduledExecutor();
            kicker.scheduleAtFixedRate(v::kick, 2, 2, TimeUnit.MILLISECONDS);
            try {
            for (int step = 0; step < 100_000; step++) {
                int daifBefore = hw.daif;
                Exit e = v.run();
                compare(hw, before, diffs, "after " + e);
                // a kick that arrives before the vCPU enters the guest ends run() without a world switch: DAIF is
                // then the host's own, untouched
                boolean switched = !(e instanceof Exit.Kicked && hw.daif == daifBefore);
                if (vhe && switched && hw.daif != HypConstants.DAIF_PROCCTX_NOIRQ) {
                    diffs.add("DAIF after a VHE run 0x" + Integer.toHexString(hw.daif) + " (debug/SError left masked?)");
                } else if (!vhe && hw.daif != daifBefore) {
                    diffs.add("DAIF 0x" + Integer.toHexString(daifBefore) + " -> 0x" + Integer.toHexString(hw.daif));
                }
                if (e instanceof Exit.Kicked) {
                    compare(hw, beforeLazy, diffs, "after put");
                    if (m.word(v.cpu().pc) == 0x1400_0000) {
                        v.cpu().pc += 4; // step over the branch-to-self
                    }
                    continue;
                }
                if (e instanceof Exit.Mmio mm) {
                    if (mm.write()) {
                        m.bus().write(mm.address(), mm.size(), mm.value());
                    } else {
                        v.completeMmioRead(m.bus().read(mm.address(), mm.size()));
                    }
                    continue;
                }
                if (e instanceof Exit.ArchExit ae) {
                    ExitAction act = switch (ae.exitClass()) {
                        case "HVC64", "SMC64" -> psci.handle(m.exitContext(v), ae);
                        case "SYS64" -> sys.handle(m.exitContext(v), ae);
                        case "WFx" -> ExitAction.RESUME; // resumed at once: blocking is tested elsewhere
                        default -> new ExitAction.Fail("unexpected exit " + ae);
                    };
                    if (act instanceof ExitAction.PowerOff) {
                        break;
                    }
                    if (act instanceof ExitAction.Fail f) {
                        diffs.add(f.message());
                        break;
                    }
                    continue;
                }
                diffs.add("unexpected exit " + e);
                break;
            }
            } finally {
                kicker.shutdownNow();
                kicker.awaitTermination(5, TimeUnit.SECONDS);
            }
            Map<String, Long> guest = v.registers();
            for (Map.Entry<String, Long> g : guestExpect.entrySet()) {
                String key = g.getKey().equals("SP_EL0") ? "sp_el0" : g.getKey();
                if (!g.getValue().equals(guest.get(key))) {
                    diffs.add("guest " + g.getKey() + " lost: 0x" + Long.toHexString(g.getValue()) + " now 0x"
                            + Long.toHexString(guest.get(key)));
                }
            }
            return diffs;
        }
    }

    /** Values the model stores as written and that keep an MMU-off guest running. */
    static long sanitize(String reg, long v) {
        return switch (reg) {
            case "SCTLR_EL1" -> El1Registers.SCTLR_RESET ^ (v & ((1L << 12) | (1L << 2) | (1L << 26)));
            case "VBAR_EL1" -> v & ~0x7FFL;
            case "MDSCR_EL1" -> v & 0xF000L; // no single-step or debug enables
            default -> v;
        };
    }

    static Map<String, Long> snapshot(PhysicalCpu hw, List<String> regs) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String r : regs) {
            if (!r.equals("DAIF") && !WorldSwitch.ARCHITECTURALLY_CHANGED.contains(r)) {
                m.put(r, hw.read(r));
            }
        }
        return m;
    }

    static void compare(PhysicalCpu hw, Map<String, Long> before, List<String> diffs, String when) {
        for (Map.Entry<String, Long> b : before.entrySet()) {
            long now = hw.read(b.getKey());
            if (now != b.getValue()) {
                diffs.add(b.getKey() + " 0x" + Long.toHexString(b.getValue()) + " -> 0x" + Long.toHexString(now) + " "
                        + when);
            }
        }
    }
}
