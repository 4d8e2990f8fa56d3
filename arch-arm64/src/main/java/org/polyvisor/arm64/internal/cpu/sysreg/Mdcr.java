package org.polyvisor.arm64.internal.cpu.sysreg;

/** MDCR_EL2 fields (ARM ARM, "MDCR_EL2, Monitor Debug Configuration Register (EL2)"), as masks. */
public final class Mdcr {
    /** HPMN: the number of event counters EL1 and EL0 may use. */
    public static final long HPMN_MASK = 0x1F;
    public static final long TPMCR = 1L << 5;
    public static final long TPM = 1L << 6;
    public static final long TDOSA = 1L << 10;
    public static final long TDRA = 1L << 11;
    /** E2PB, bits 13:12: owner of the SPE profiling buffer; 0b11 gives it to EL1. */
    public static final int E2PB_SHIFT = 12;
    public static final long E2PB_EL1 = 3L << E2PB_SHIFT;
    public static final long TPMS = 1L << 14;
    public static final long TTRF = 1L << 19;

    private Mdcr() {
    }
}
