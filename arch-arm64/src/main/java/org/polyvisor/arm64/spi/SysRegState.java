package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The view of a vCPU that system-register hooks need: current EL, raw register storage, the PSTATE fields that are
 * system registers (NZCV, DAIF, SPSel, SP_EL0), the controls access checks look at (HCR_EL2, SCTLR_EL1), counters,
 * and the cache and translation operations (DC ZVA, AT, IC, TLBI).
 */
@ProviderType
public interface SysRegState {
    /**
     * The guest's current exception level (EL2 is the hypervisor model itself).
     *
     * @return 0 or 1
     */
    int currentEl();

    /**
     * Raw stored value of a register (its descriptor's storage slot), bypassing hooks.
     *
     * @param name architectural name
     * @return the stored value
     */
    long raw(String name);

    /**
     * Stores a register's raw value, bypassing hooks.
     *
     * @param name  architectural name
     * @param value the value to store
     */
    void setRaw(String name, long value);

    /**
     * HCR_EL2 as the guest runs under it (trap controls for access checks).
     *
     * @return the register's value
     */
    long hcr();

    /**
     * SCTLR_EL1, for the EL0 access controls such as UMA, UCT, DZE, UCI.
     *
     * @return the register's value
     */
    long sctlr();

    /**
     * The condition flags, for MRS NZCV.
     *
     * @return PSTATE.{N,Z,C,V} in bits 3..0
     */
    int nzcv();

    /**
     * Sets the condition flags, for MSR NZCV.
     *
     * @param nzcv N, Z, C, V in bits 3..0
     */
    void setNzcv(int nzcv);

    /**
     * The exception masks, for MRS DAIF.
     *
     * @return PSTATE.{D,A,I,F} in their SPSR bit positions 9..6
     */
    int daif();

    /**
     * Sets the exception masks, for MSR DAIF and DAIFSet/DAIFClr.
     *
     * @param daif D, A, I, F in their SPSR bit positions 9..6
     */
    void setDaif(int daif);

    /**
     * PSTATE.SP, for MRS SPSel.
     *
     * @return true when EL1 uses SP_EL1, false when it uses SP_EL0
     */
    boolean spSel();

    /**
     * Selects the stack pointer, for MSR SPSel.
     *
     * @param spEl1 true to use SP_EL1 at EL1
     */
    void setSpSel(boolean spEl1);

    /**
     * SP_EL0, which is a system register at EL1 while SPSel selects SP_EL1.
     *
     * @return the value
     */
    long spEl0();

    /**
     * Sets SP_EL0.
     *
     * @param value the new stack pointer
     */
    void setSpEl0(long value);

    /**
     * The physical counter now, derived from the VM's guest clock.
     *
     * @return CNTPCT_EL0
     */
    long physicalCount();

    /**
     * The virtual counter now (the physical counter minus CNTVOFF_EL2).
     *
     * @return CNTVCT_EL0
     */
    long virtualCount();

    /** Asks the CPU to drop cached translations and decoded blocks (for registers that change translation). */
    void translationChanged();

    /**
     * A TLB maintenance operation for the Inner Shareable domain (TLBI ...IS): drops the cached translations of the
     * current VMID on this PE and on every other PE the operation reaches (since 0.4.0). The default acts on this PE
     * only.
     */
    default void translationChangedInnerShareable() {
        translationChanged();
    }

    /**
     * DC ZVA: zeroes the block containing {@code va}, faulting like a store.
     *
     * @param va the guest virtual address the instruction names
     */
    void zeroBlock(long va);

    /**
     * AT S1E1R/W, S1E0R/W: translates without faulting and writes the result to PAR_EL1.
     *
     * @param va    the guest virtual address to translate
     * @param write true for the W variants (a store's permission check)
     * @param el0   true for the S1E0 variants (EL0's permissions)
     */
    void addressTranslate(long va, boolean write, boolean el0);

    /** IC IALLU and friends: forget every decoded instruction. */
    void invalidateInstructionCache();

    /**
     * The PE's sampling hook, through which a feature's profiling unit attaches to the operations it executes.
     *
     * @return the hook of this PE
     * @since 0.4
     */
    SamplingHook sampling();

    /**
     * The storage slot of a register, for hooks and units that read it on a hot path ({@link #rawAt}, {@link #setRawAt})
     * instead of looking the name up each time.
     *
     * @param name architectural name
     * @return the slot, stable for this PE
     * @throws IllegalArgumentException when the PE has no such register
     * @since 0.4
     */
    int slot(String name);

    /**
     * The stored value at a slot from {@link #slot}.
     *
     * @param slot the slot
     * @return the stored value
     * @since 0.4
     */
    long rawAt(int slot);

    /**
     * Stores a value at a slot from {@link #slot}.
     *
     * @param slot  the slot
     * @param value the value
     * @since 0.4
     */
    void setRawAt(int slot, long value);
}
