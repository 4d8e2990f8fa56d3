package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The view of a vCPU that system-register hooks need: current EL, raw register storage, the PSTATE fields that are
 * system registers (NZCV, DAIF, SPSel, SP_EL0), the controls access checks look at (HCR_EL2, SCTLR_EL1), counters,
 * and the cache and translation operations (DC ZVA, AT, IC, TLBI).
 */
@ProviderType
public interface SysRegState {
    /** Current exception level, 0 or 1 (EL2 is the hypervisor model itself). */
    int currentEl();

    /** Raw stored value of the register with this name (its descriptor's storage slot). */
    long raw(String name);

    void setRaw(String name, long value);

    /** HCR_EL2 as the guest runs under it (trap controls for access checks). */
    long hcr();

    /** SCTLR_EL1 (EL0 access controls such as UMA, UCT, DZE, UCI). */
    long sctlr();

    /** PSTATE.{N,Z,C,V} in bits 3..0. */
    int nzcv();

    void setNzcv(int nzcv);

    /** PSTATE.{D,A,I,F} in their SPSR bit positions 9..6. */
    int daif();

    void setDaif(int daif);

    /** PSTATE.SP: true when EL1 uses SP_EL1. */
    boolean spSel();

    void setSpSel(boolean spEl1);

    long spEl0();

    void setSpEl0(long value);

    /** Physical counter value (CNTPCT_EL0) now. */
    long physicalCount();

    /** Virtual counter value (CNTVCT_EL0) now. */
    long virtualCount();

    /** Asks the CPU to drop cached translations and decoded blocks (for registers that change translation). */
    void translationChanged();

    /** DC ZVA: zeroes the block containing {@code va}, faulting like a store. */
    void zeroBlock(long va);

    /** AT S1E1R/W, S1E0R/W: translates without faulting and writes the result to PAR_EL1. */
    void addressTranslate(long va, boolean write, boolean el0);

    /** IC IALLU and friends: forget every decoded instruction. */
    void invalidateInstructionCache();
}
