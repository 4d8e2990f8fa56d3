package org.polyvisor.testarch;

import java.nio.file.Path;

/** Programs shared by the framework runtime tests. */
final class ToyPrograms {
    private ToyPrograms() {
    }

    /**
     * Like {@link #checksum} but every round also adds the checksum to the toy-counter device and prints a letter
     * derived from the counter's value, so a lost counter state changes the output.
     */
    static Path counter(Path dir, int rounds) {
        return ToyProgram.builder()
                .li(1, 1).li(2, rounds).li(4, 31)
                .label("outer").li(3, 500)
                .label("inner").op(ToyIsa.MUL, 1, 4, 0).addi(1, 7).addi(3, -1).bnz(3, "inner")
                .mw(1, ToyIsa.COUNTER_BASE).mr(5, ToyIsa.COUNTER_BASE).op(ToyIsa.SHR, 5, 0, 28).addi(5, 'a').out(5)
                .hcall(0).addi(2, -1).bnz(2, "outer")
                .print("\ncounted\n").halt(0)
                .writeTo(dir.resolve("counter-" + rounds + ".elf"));
    }

    /**
     * A checksum loop: {@code rounds} outer iterations of 2,000 arithmetic instructions each; after every round it
     * prints the low byte of the checksum, makes a hypercall and reads the UART status (so exits of every kind
     * happen all the time), then powers off with status 0.
     */
    static Path checksum(Path dir, int rounds) {
        return ToyProgram.builder()
                .li(1, 1).li(2, rounds).li(4, 31)
                .label("outer").li(3, 1000)
                .label("inner").op(ToyIsa.MUL, 1, 4, 0).addi(1, 7).addi(3, -1).bnz(3, "inner")
                .li(5, 0).op(ToyIsa.ADD, 5, 1, 0).op(ToyIsa.SHR, 5, 0, 27).addi(5, 'A').out(5)
                .hcall(0).in(6).addi(2, -1).bnz(2, "outer")
                .print("\ndone\n").halt(0)
                .writeTo(dir.resolve("checksum-" + rounds + ".elf"));
    }

    /** Where {@link #memoryWriter} keeps its pages. */
    static final long WRITER_DATA = 0x1_0000;

    /**
     * A guest that keeps writing memory: {@code rounds} times it reads, mixes and writes back one word in each of
     * {@code pages} 4 KiB pages from {@link #WRITER_DATA} and folds the values into a running hash, printing one
     * letter of the hash per round; at the end it prints a checksum of all pages as 8 letters, then "done". A page
     * whose latest contents a snapshot missed changes the letters after the restore.
     */
    static Path memoryWriter(Path dir, int rounds, int pages) {
        ToyProgram p = ToyProgram.builder()
                .li(1, 1).li(2, rounds).li(4, 31)
                .label("outer").li(3, pages).li(6, WRITER_DATA)
                .label("inner").ldx(5, 6, 0).op(ToyIsa.MUL, 5, 4, 0).op(ToyIsa.ADD, 5, 1, 0).stx(5, 6, 0)
                .op(ToyIsa.ADD, 1, 5, 0).op(ToyIsa.MUL, 1, 4, 0).addi(1, 7)
                .addi(6, 4096).addi(3, -1).bnz(3, "inner")
                .li(5, 0).op(ToyIsa.ADD, 5, 1, 0).op(ToyIsa.SHR, 5, 0, 27).addi(5, 'A').out(5)
                .addi(2, -1).bnz(2, "outer")
                .li(3, pages).li(6, WRITER_DATA).li(1, 0)
                .label("sum").ldx(5, 6, 0).op(ToyIsa.ADD, 1, 5, 0).op(ToyIsa.MUL, 1, 4, 0)
                .addi(6, 4096).addi(3, -1).bnz(3, "sum")
                .print("\n");
        for (int nibble = 0; nibble < 8; nibble++) {
            p.li(7, 0).op(ToyIsa.ADD, 7, 1, 0).op(ToyIsa.SHL, 7, 0, 4 * nibble).op(ToyIsa.SHR, 7, 0, 28)
                    .addi(7, 'a').out(7);
        }
        return p.print("\ndone\n").halt(0).writeTo(dir.resolve("writer-" + rounds + "x" + pages + ".elf"));
    }
}
