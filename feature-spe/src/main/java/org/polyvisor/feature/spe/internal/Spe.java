package org.polyvisor.feature.spe.internal;

/**
 * Register fields of the Statistical Profiling Extension (ARM DDI 0487, D10 "The Statistical Profiling Extension"
 * and the PMS and PMB register descriptions; the same fields as Linux's arch/arm64/tools/sysreg SPE block), and what
 * this model implements.
 */
final class Spe {
    private Spe() {
    }

    /** PMBIRQ: the profiling buffer's PPI. INTID 21 (GIC_PPI 5), the value the Linux device-tree examples use. */
    static final int PMBIRQ = 21;

    // PMSCR_EL1
    static final long PMSCR_E0SPE = 1L;
    static final long PMSCR_E1SPE = 1L << 1;
    static final long PMSCR_CX = 1L << 3;
    static final long PMSCR_PA = 1L << 4;
    static final long PMSCR_TS = 1L << 5;
    static final int PMSCR_PCT_SHIFT = 6;

    // PMSIRR_EL1
    static final long PMSIRR_RND = 1L;
    static final int PMSIRR_INTERVAL_SHIFT = 8;
    static final long PMSIRR_INTERVAL_MASK = 0xFF_FFFFL;

    // PMSFCR_EL1
    static final long PMSFCR_FE = 1L;
    static final long PMSFCR_FT = 1L << 1;
    static final long PMSFCR_FL = 1L << 2;
    static final long PMSFCR_B = 1L << 16;
    static final long PMSFCR_LD = 1L << 17;
    static final long PMSFCR_ST = 1L << 18;

    // PMBLIMITR_EL1
    static final long PMBLIMITR_E = 1L;
    static final long PMBLIMITR_LIMIT_MASK = ~0xFFFL;

    // PMBSR_EL1
    static final long PMBSR_S = 1L << 17;
    static final long PMBSR_EA = 1L << 18;
    static final long PMBSR_DL = 1L << 19;
    static final int PMBSR_EC_SHIFT = 26;
    static final int EC_BUF = 0x00;
    static final int EC_FAULT_S1 = 0x24;
    static final int EC_FAULT_S2 = 0x25;
    /** PMBSR.MSS.BSC for EC = buffer management: buffer full. */
    static final int BSC_FULL = 0x1;

    // MDCR_EL2
    static final long MDCR_TPMS = 1L << 14;
    static final int MDCR_E2PB_SHIFT = 12;
    /** E2PB = 0b00: the buffer is owned by EL2 (the hypervisor) and EL1's PMB* accesses trap. */
    static final int E2PB_EL2 = 0;
    /** E2PB = 0b11: the buffer is owned by EL1&amp;0 and EL1's PMB* accesses do not trap. */
    static final int E2PB_EL1_NO_TRAP = 3;

    /** Largest record this unit writes: 2^{@link #MAX_SIZE_LOG2} bytes (PMSIDR_EL1.MaxSize). */
    static final int MAX_SIZE_LOG2 = 6;
    static final int MAX_RECORD = 1 << MAX_SIZE_LOG2;
    /** Smallest sampling interval (PMSIDR_EL1.Interval = 0: 256). */
    static final int MIN_INTERVAL = 256;

    /**
     * PMSIDR_EL1: FE, FT, FL filters; ERND (random jitter); Interval 0 (256); MaxSize 6 (64-byte records);
     * CountSize 2 (12-bit saturating counters); Format 0.
     */
    static final long PMSIDR = 1L | 1L << 1 | 1L << 2 | 1L << 5 | (long) MAX_SIZE_LOG2 << 12 | 2L << 16;
    /** PMBIDR_EL1: Align 0 (byte-aligned PMBPTR), P = 0 (programming allowed), F = 0. */
    static final long PMBIDR = 0;
    static final long PMBIDR_P = 1L << 4;
    /** ID_AA64DFR0_EL1.PMSVer of a VM that has SPE: 1 (FEAT_SPE). */
    static final int PMSVER = 1;
    static final int DFR0_PMSVER_SHIFT = 32;
}
