package org.polyvisor.arm64.internal.cpu.sysreg;

/** SCTLR_EL1 fields the model looks at (ARM ARM, "SCTLR_EL1, System Control Register (EL1)"), as masks. */
public final class Sctlr {
    /** Stage-1 MMU enable. */
    public static final long M = 1L << 0;
    /** Data cache enable. */
    public static final long C = 1L << 2;
    /** User mask access: EL0 may use MSR DAIFSet/DAIFClr and read/write DAIF. */
    public static final long UMA = 1L << 9;
    /** EL0 may use DC ZVA (and DCZID_EL0.DZP reads 0). */
    public static final long DZE = 1L << 14;
    /** EL0 may read CTR_EL0. */
    public static final long UCT = 1L << 15;
    /** WFI at EL0 is not trapped (to EL1). */
    public static final long NTWI = 1L << 16;
    /** WFE at EL0 is not trapped (to EL1). */
    public static final long NTWE = 1L << 18;
    /** EL0 may use the cache maintenance instructions DC CVAU, DC CIVAC, DC CVAC and IC IVAU. */
    public static final long UCI = 1L << 26;

    private Sctlr() {
    }
}
