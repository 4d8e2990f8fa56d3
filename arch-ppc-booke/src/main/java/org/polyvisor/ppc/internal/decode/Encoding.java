package org.polyvisor.ppc.internal.decode;

/**
 * One line of the decode table: an encoding, like a line of QEMU's decodetree files.
 *
 * @param mnemonic  assembler name (for diagnostics and tests)
 * @param primary   primary opcode (bits 0:5)
 * @param xo        extended opcode: 10-bit X/XL/XFX field, 9-bit XO field, 5-bit A field; -1 for primary-only forms
 * @param form      instruction format; XO-form entries also claim their OE=1 twin (xo + 512)
 * @param op        the operation id dispatched by the interpreter ({@link Op})
 */
public record Encoding(String mnemonic, int primary, int xo, Form form, int op) {
}
