package org.polyvisor.arm64.spi;

/**
 * Descriptor of one system register, in the manner of QEMU's ARMCPRegInfo: name, encoding, access per EL, reset
 * value and optional hooks. Registers without hooks are plain storage.
 *
 * @param name   architectural name, also the key in state snapshots
 * @param op0    encoding op0 (2 or 3 for MRS/MSR registers, 1 for SYS operations)
 * @param op1    encoding op1
 * @param crn    encoding CRn
 * @param crm    encoding CRm
 * @param op2    encoding op2
 * @param access bit set of {@link #EL0_R}, {@link #EL0_W}, {@link #EL1_R}, {@link #EL1_W}
 * @param reset  value at reset
 * @param check  dynamic access check (traps, enables) on top of {@code access}; null means always OK
 * @param read   read hook; null reads the stored value
 * @param write  write hook; null stores the value
 */
public record SysReg(String name, int op0, int op1, int crn, int crm, int op2, int access, long reset,
                     Check check, Read read, Write write) {
    /** {@code access} bit: EL0 may read (MRS). */
    public static final int EL0_R = 1;
    /** {@code access} bit: EL0 may write (MSR). */
    public static final int EL0_W = 2;
    /** {@code access} bit: EL1 may read. */
    public static final int EL1_R = 4;
    /** {@code access} bit: EL1 may write. */
    public static final int EL1_W = 8;
    /** EL1 reads and writes, EL0 has no access (QEMU's PL1_RW). */
    public static final int RW_EL1 = EL1_R | EL1_W;
    /** EL1 reads only (QEMU's PL1_R), for ID registers. */
    public static final int RO_EL1 = EL1_R;
    /** Both ELs read and write (QEMU's PL0_RW). */
    public static final int RW_EL0 = EL0_R | EL0_W | EL1_R | EL1_W;
    /** Both ELs read only (QEMU's PL0_R), for counters such as CNTFRQ_EL0. */
    public static final int RO_EL0 = EL0_R | EL1_R;

    /**
     * A plain storage register: no access check beyond {@code access}, no hooks.
     *
     * @param name   architectural name
     * @param op0    encoding op0
     * @param op1    encoding op1
     * @param crn    encoding CRn
     * @param crm    encoding CRm
     * @param op2    encoding op2
     * @param access bit set of {@link #EL0_R}, {@link #EL0_W}, {@link #EL1_R}, {@link #EL1_W}
     * @param reset  value at reset
     * @return the descriptor
     */
    public static SysReg plain(String name, int op0, int op1, int crn, int crm, int op2, int access, long reset) {
        return new SysReg(name, op0, op1, crn, crm, op2, access, reset, null, null, null);
    }

    /**
     * The register's table key, as the decoder computes it from an instruction.
     *
     * @return the 16-bit key op0:op1:CRn:CRm:op2 used in MRS/MSR/SYS encodings (instruction bits 20..5)
     */
    public int key() {
        return key(op0, op1, crn, crm, op2);
    }

    /**
     * The 16-bit key op0:op1:CRn:CRm:op2 of an encoding, for lookups by encoding.
     *
     * @param op0 encoding op0
     * @param op1 encoding op1
     * @param crn encoding CRn
     * @param crm encoding CRm
     * @param op2 encoding op2
     * @return the key, laid out as instruction bits 20..5
     */
    public static int key(int op0, int op1, int crn, int crm, int op2) {
        return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
    }

    /**
     * This descriptor with a dynamic access check.
     *
     * @param c the check, run on every access before the hooks
     * @return a new descriptor
     */
    public SysReg withCheck(Check c) {
        return new SysReg(name, op0, op1, crn, crm, op2, access, reset, c, read, write);
    }

    /**
     * This descriptor with a read hook.
     *
     * @param r computes the value MRS returns
     * @return a new descriptor
     */
    public SysReg withRead(Read r) {
        return new SysReg(name, op0, op1, crn, crm, op2, access, reset, check, r, write);
    }

    /**
     * This descriptor with a write hook.
     *
     * @param w takes the value MSR writes
     * @return a new descriptor
     */
    public SysReg withWrite(Write w) {
        return new SysReg(name, op0, op1, crn, crm, op2, access, reset, check, read, w);
    }

    /** Dynamic access check. */
    @FunctionalInterface
    public interface Check {
        /**
         * Decides one access.
         *
         * @param cpu    the accessing vCPU
         * @param isRead true for MRS, false for MSR
         * @return whether the access proceeds, traps or is undefined
         */
        SysRegAccess check(SysRegState cpu, boolean isRead);
    }

    /** Read hook. */
    @FunctionalInterface
    public interface Read {
        /**
         * Computes the register's value.
         *
         * @param cpu the reading vCPU
         * @return the value MRS returns
         */
        long read(SysRegState cpu);
    }

    /** Write hook. */
    @FunctionalInterface
    public interface Write {
        /**
         * Takes a written value (storing it is up to the hook).
         *
         * @param cpu   the writing vCPU
         * @param value the value MSR writes
         */
        void write(SysRegState cpu, long value);
    }
}
