package org.polyvisor.arm64.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.testing.Guests;
import org.polyvisor.arm64.testing.LocalVm;
import org.polyvisor.elf.ElfImage;

/**
 * Random-instruction differential test: the committed harness guest (randharness.elf) has 200 blocks of 500 NOPs,
 * each followed by a register dump. The test fills the blocks with seeded random data-processing instructions, runs
 * the patched ELF on QEMU and on Polyvisor and compares the dumps. System properties: {@code pv.seed} (default
 * 0x5eed) and {@code pv.random.instructions} (default 100000; more than one harness-full means more QEMU launches).
 */
class RandomInstructionDifferentialTest {
    static final int BLOCKS = 200;
    static final int BLOCK_LEN = 500;

    @Test
    void randomDataProcessingMatchesQemu() throws Exception {
        Assumptions.assumeTrue(Guests.qemuInstalled(), "qemu-system-aarch64 not on PATH");
        long seed = Long.decode(System.getProperty("pv.seed", "0x5eed"));
        int total = Integer.getInteger("pv.random.instructions", 100_000);
        Path harness = Guests.dir().resolve("randharness.elf");
        byte[] original = Files.readAllBytes(harness);
        ElfImage image = ElfImage.parse(original, harness.toString());
        long blocksVa = image.symbol("rand_blocks").orElseThrow();
        int fileOffset = fileOffset(original, blocksVa);
        int done = 0;
        for (int run = 0; done < total; run++) {
            RandomInstructionGenerator gen = new RandomInstructionGenerator(seed + run);
            byte[] elf = original.clone();
            ByteBuffer bb = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            int[][] words = new int[BLOCKS][BLOCK_LEN];
            for (int b = 0; b < BLOCKS && done < total; b++) {
                for (int i = 0; i < BLOCK_LEN && done < total; i++, done++) {
                    words[b][i] = gen.next();
                    bb.putInt(fileOffset + 4 * (b * (BLOCK_LEN + 1) + i), words[b][i]);
                }
            }
            Path patched = Files.createTempFile("randharness-" + run + "-", ".elf");
            try {
                Files.write(patched, elf);
                String qemu = new String(Guests.runOnQemu(patched, 60), StandardCharsets.ISO_8859_1);
                LocalVm.Result pv = LocalVm.run(patched, 120_000);
                if (!qemu.equals(pv.console())) {
                    fail(explain(qemu, pv.console(), words, gen, seed + run));
                }
                assertEquals(0, pv.status());
            } finally {
                Files.deleteIfExists(patched);
            }
        }
    }

    /** Names the first block whose dump differs, its instructions and the registers that differ. */
    private static String explain(String qemu, String pv, int[][] words, RandomInstructionGenerator gen, long seed) {
        String[] q = qemu.split("\n");
        String[] p = pv.split("\n");
        for (int i = 0; i < Math.max(q.length, p.length); i++) {
            String ql = i < q.length ? q[i] : "<missing>";
            String pl = i < p.length ? p[i] : "<missing>";
            if (!ql.equals(pl)) {
                StringBuilder sb = new StringBuilder("seed " + seed + ": first difference at line " + i + "\nqemu: " + ql
                        + "\npv:   " + pl + "\n");
                if (ql.startsWith("B")) {
                    int block = Integer.parseInt(ql.substring(1, ql.indexOf(' ')));
                    String[] qf = ql.split(" ");
                    String[] pf = pl.split(" ");
                    for (int f = 1; f < Math.min(qf.length, pf.length); f++) {
                        if (!qf[f].equals(pf[f])) {
                            sb.append(f <= 30 ? "x" + (f - 1) : "nzcv").append(": qemu ").append(qf[f]).append(" pv ")
                                    .append(pf[f]).append('\n');
                        }
                    }
                    sb.append("block ").append(block).append(" instructions:\n");
                    for (int w : words[block]) {
                        sb.append("  ").append(gen.describe(w)).append('\n');
                    }
                }
                return sb.toString();
            }
        }
        return "outputs differ";
    }

    /** File offset of a virtual address, from the ELF64 program headers. */
    static int fileOffset(byte[] elf, long va) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xFFFF;
        int phnum = b.getShort(0x38) & 0xFFFF;
        for (int i = 0; i < phnum; i++) {
            int h = (int) phoff + i * phentsize;
            if (b.getInt(h) != 1) { // PT_LOAD
                continue;
            }
            long offset = b.getLong(h + 8);
            long vaddr = b.getLong(h + 16);
            long filesz = b.getLong(h + 32);
            if (va >= vaddr && va < vaddr + filesz) {
                return (int) (offset + (va - vaddr));
            }
        }
        throw new IllegalArgumentException("VA 0x" + Long.toHexString(va) + " is in no PT_LOAD segment");
    }
}
