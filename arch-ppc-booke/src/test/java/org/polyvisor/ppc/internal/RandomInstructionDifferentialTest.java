package org.polyvisor.ppc.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.polyvisor.testkit.Golden;
import org.polyvisor.testkit.Qemu;

/**
 * Random integer instructions, Polyvisor against QEMU: the committed harness guest (randharness) has a block of
 * 4096 nops at {@code rand_block}, entered with fixed register values and followed by a dump of r0-r31, CR and XER.
 * Each run patches the block with seeded random instructions (register-to-register integer operations with random
 * Rc/OE forms, immediates, shifts, masks, CR fields; never r1 or LR as a destination, so the harness survives),
 * runs both, and compares the dumps byte for byte. System properties: {@code pv.seed} (default 0x5EED),
 * {@code pv.random.instructions} (default 102400 = 25 QEMU launches).
 */
public class RandomInstructionDifferentialTest {
    static final int BLOCK = 4096;

    private static int reg(SplittableRandom r) {
        int v = r.nextInt(31);
        return v >= 1 ? v + 1 : v; // 0, 2..31
    }

    private static int src(SplittableRandom r) {
        return r.nextInt(32);
    }

    private static final int[] XO = {8, 10, 40, 104, 136, 138, 200, 202, 232, 234, 235, 266, 459, 491};
    private static final int[] XO_NO_RB = {104, 200, 202, 232, 234};
    private static final int[] X_LOGIC = {28, 60, 444, 412, 316, 476, 124, 284, 24, 536, 792};
    private static final int[] D_ARITH = {14, 15, 12, 13, 8, 7};
    private static final int[] D_LOGIC = {24, 25, 26, 27, 28, 29};
    private static final int[] CR_OPS = {257, 449, 193, 225, 33, 289, 129, 417};

    /**
     * Loads and stores relative to r1 in the 1984 bytes below the stack pointer (nothing lives there while the block
     * runs, and r1 is never a destination): D forms, multiple and byte-reversed are covered without random
     * addresses.
     */
    static int stackAccess(SplittableRandom r) {
        int d = -64 - r.nextInt(1920);
        int op = new int[] {32, 34, 40, 42, 36, 38, 44, 46, 47}[r.nextInt(9)]; // lwz lbz lhz lha stw stb sth lmw stmw
        if (op == 32 || op == 36 || op == 46 || op == 47) {
            d &= ~3;
        }
        if (op == 46 || op == 47) {
            int rt = 2 + r.nextInt(30);
            d = -64 - 4 * (32 - rt) - (r.nextInt(400) & ~3);
            return op << 26 | rt << 21 | 1 << 16 | (d & 0xFFFF);
        }
        boolean store = op == 36 || op == 38 || op == 44;
        return op << 26 | (store ? src(r) : reg(r)) << 21 | 1 << 16 | (d & 0xFFFF);
    }

    public static int randomInstruction(SplittableRandom r) {
        int kind = r.nextInt(16);
        int rc = r.nextInt(2);
        switch (kind) {
            case 0, 1, 2 -> {
                int xo = XO[r.nextInt(XO.length)];
                int rb = contains(XO_NO_RB, xo) ? 0 : src(r);
                return 31 << 26 | reg(r) << 21 | src(r) << 16 | rb << 11 | r.nextInt(2) << 10 | xo << 1 | rc;
            }
            case 3 -> {
                int xo = r.nextBoolean() ? 75 : 11; // mulhw, mulhwu (no OE)
                return 31 << 26 | reg(r) << 21 | src(r) << 16 | src(r) << 11 | xo << 1 | rc;
            }
            case 4, 5 -> {
                return 31 << 26 | src(r) << 21 | reg(r) << 16 | src(r) << 11 | X_LOGIC[r.nextInt(X_LOGIC.length)] << 1 | rc;
            }
            case 6 -> {
                int[] unary = {954, 922, 26};
                if (r.nextInt(4) == 0) {
                    return 31 << 26 | src(r) << 21 | reg(r) << 16 | r.nextInt(32) << 11 | 824 << 1 | rc; // srawi
                }
                return 31 << 26 | src(r) << 21 | reg(r) << 16 | unary[r.nextInt(3)] << 1 | rc;
            }
            case 7 -> {
                int op = D_ARITH[r.nextInt(D_ARITH.length)];
                return op << 26 | reg(r) << 21 | src(r) << 16 | (r.nextInt() & 0xFFFF);
            }
            case 8 -> {
                int op = D_LOGIC[r.nextInt(D_LOGIC.length)];
                return op << 26 | src(r) << 21 | reg(r) << 16 | (r.nextInt() & 0xFFFF);
            }
            case 9, 10 -> {
                int op = new int[] {21, 20, 23}[r.nextInt(3)];
                return op << 26 | src(r) << 21 | reg(r) << 16 | src(r) << 11 | r.nextInt(32) << 6 | r.nextInt(32) << 1 | rc;
            }
            case 11 -> {
                int bf = r.nextInt(8);
                return switch (r.nextInt(4)) {
                    case 0 -> 31 << 26 | bf << 23 | src(r) << 16 | src(r) << 11; // cmp
                    case 1 -> 31 << 26 | bf << 23 | src(r) << 16 | src(r) << 11 | 32 << 1; // cmpl
                    case 2 -> 11 << 26 | bf << 23 | src(r) << 16 | (r.nextInt() & 0xFFFF); // cmpi
                    default -> 10 << 26 | bf << 23 | src(r) << 16 | (r.nextInt() & 0xFFFF); // cmpli
                };
            }
            case 12 -> {
                if (r.nextInt(4) == 0) {
                    return 19 << 26 | r.nextInt(8) << 23 | r.nextInt(8) << 18; // mcrf
                }
                return 19 << 26 | r.nextInt(32) << 21 | r.nextInt(32) << 16 | r.nextInt(32) << 11
                        | CR_OPS[r.nextInt(CR_OPS.length)] << 1;
            }
            case 13 -> {
                return 31 << 26 | reg(r) << 21 | src(r) << 16 | src(r) << 11 | r.nextInt(32) << 6 | 15 << 1; // isel
            }
            case 14 -> {
                return switch (r.nextInt(6)) {
                    case 0 -> 31 << 26 | reg(r) << 21 | 19 << 1; // mfcr
                    case 1 -> 31 << 26 | reg(r) << 21 | 1 << 20 | (1 << r.nextInt(8)) << 12 | 19 << 1; // mfocrf
                    case 2 -> 31 << 26 | src(r) << 21 | r.nextInt(256) << 12 | 144 << 1; // mtcrf
                    case 3 -> 31 << 26 | src(r) << 21 | 1 << 20 | (1 << r.nextInt(8)) << 12 | 144 << 1; // mtocrf
                    case 4 -> 31 << 26 | r.nextInt(8) << 23 | 512 << 1; // mcrxr
                    default -> 31 << 26 | src(r) << 21 | 1 << 16 | 467 << 1; // mtxer
                };
            }
            case 16, 17 -> {
                return stackAccess(r);
            }
            default -> {
                return switch (r.nextInt(3)) {
                    case 0 -> 31 << 26 | reg(r) << 21 | 1 << 16 | 339 << 1; // mfxer
                    case 1 -> 31 << 26 | src(r) << 21 | 9 << 16 | 467 << 1; // mtctr
                    default -> 31 << 26 | reg(r) << 21 | 9 << 16 | 339 << 1; // mfctr
                };
            }
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    @Test
    void randomBlocksMatchQemu() throws Exception {
        Qemu qemuPpc = Qemu.ppce500();
        Assumptions.assumeTrue(qemuPpc.available(), "qemu-system-ppc is not on PATH");
        long seed = Long.getLong("pv.seed", 0x5EEDL);
        int total = Integer.getInteger("pv.random.instructions", 102_400);
        int runs = (total + BLOCK - 1) / BLOCK;
        Path dir = Files.createTempDirectory("pv-rand");
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int run = 0; run < runs; run++) {
            int[] block = new int[BLOCK];
            for (int i = 0; i < BLOCK; i++) {
                block[i] = randomInstruction(rnd);
            }
            Path elf = ElfPatch.patch(GuestRun.elf("randharness"), "rand_block", block, dir.resolve("rand" + run + ".elf"));
            byte[] qemuBytes = qemuPpc.run(elf, Duration.ofSeconds(20));
            String qemu = new String(qemuBytes, StandardCharsets.ISO_8859_1);
            // the block runs once: interpreted with jit=off, compiled to bytecode with jit=1
            for (String jit : new String[] {"off", "1"}) {
                String ours;
                try (LocalVm vm = new LocalVm(elf, Map.of("jit", jit)).runToEnd()) {
                    ours = vm.console.toString();
                }
                if (!qemu.equals(ours)) { // the register lines that differ say more than the bytes around the first
                    Golden.assertSameBytes(qemuBytes, ours, "seed 0x" + Long.toHexString(seed) + " run " + run
                            + " jit=" + jit + " (" + elf + "), differing lines:\n" + firstDifferences(qemu, ours)
                            + "first instructions: " + hex(block, 8) + "\n");
                }
            }
        }
        System.out.printf("random differential: seed 0x%x, %d instructions in %d runs, all equal%n", seed, runs * BLOCK, runs);
    }

    static String firstDifferences(String a, String b) {
        String[] x = a.split("\n");
        String[] y = b.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "<none>";
            String q = i < y.length ? y[i] : "<none>";
            if (!p.equals(q)) {
                sb.append("qemu ").append(p).append(" / polyvisor ").append(q).append('\n');
            }
        }
        return sb.toString();
    }

    static String hex(int[] words, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%08x ", words[i]));
        }
        return sb.toString();
    }
}
