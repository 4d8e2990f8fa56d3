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
    public static final int EL0_R = 1;
    public static final int EL0_W = 2;
    public static final int EL1_R = 4;
    public static final int EL1_W = 8;
    public static final int RW_EL1 = EL1_R | EL1_W;
    public static final int RO_EL1 = EL1_R;
    public static final int RW_EL0 = EL0_R | EL0_W | EL1_R | EL1_W;
    public static final int RO_EL0 = EL0_R | EL1_R;

    /** A plain storage register. */
    public static SysReg plain(String name, int op0, int op1, int crn, int crm, int op2, int access, long reset) {
        return new SysReg(name, op0, op1, crn, crm, op2, access, reset, null, null, null);
    }

    /** The 16-bit key op0:op1:CRn:CRm:op2 used in MRS/MSR/SYS encodings (instruction bits 20..5). */
    public int key() {
        return key(op0, op1, crn, crm, op2);
    }

    public static int key(int op0, int op1, int crn, int crm, int op2) {
        return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
    }

    public SysReg withCheck(Check c) {
        return new SysReg(name, op0, op1, crn, crm, op2, access, reset, c, read, write);
    }

    public SysReg withRead(Read r) {
        return new SysReg(name, op0, op1, crn, crm, op2, access, reset, check, r, write);
    }

    public SysReg withWrite(Write w) {
        return new SysReg(name, op0, op1, crn, crm, op2, access, reset, check, read, w);
    }

    /** Dynamic access check. */
    @FunctionalInterface
    public interface Check {
        SysRegAccess check(SysRegState cpu, boolean isRead);
    }

    /** Read hook. */
    @FunctionalInterface
    public interface Read {
        long read(SysRegState cpu);
    }

    /** Write hook. */
    @FunctionalInterface
    public interface Write {
        void write(SysRegState cpu, long value);
    }
}
