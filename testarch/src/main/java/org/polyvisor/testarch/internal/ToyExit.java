package org.polyvisor.testarch.internal;

import org.polyvisor.spi.Exit;

/** A toy architecture exit: the class names the instruction that caused it, {@code imm} its operand. */
public record ToyExit(String exitClass, long imm) implements Exit.ArchExit {
}
