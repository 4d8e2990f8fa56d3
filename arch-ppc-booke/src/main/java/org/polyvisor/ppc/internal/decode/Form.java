package org.polyvisor.ppc.internal.decode;

/** Instruction formats of the 32-bit Power ISA that the e500mc integer subset uses (field layout in {@link Fields}). */
public enum Form {
    I, B, SC, D, X, XL, XFX, XO, M, A
}
