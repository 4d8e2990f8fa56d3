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
}
