package org.polyvisor.ppc.spi;

import java.util.Objects;

/**
 * Descriptor of one contributed SPR: number, name, who may read and write it, reset value and optional hooks. An SPR
 * without hooks is plain per-vCPU storage.
 *
 * <p>Privilege follows the Power ISA (Book III-E, "Move To/From Special Purpose Register"): SPR numbers with bit 0x10
 * set (spr<sub>0</sub> = 1 in the instruction) are privileged, so such a descriptor may not grant user access; an
 * access the descriptor does not allow from problem state raises a privileged-instruction program interrupt
 * (ESR[PPR]), any other access it does not allow an illegal-instruction one (ESR[PIL]), as for an SPR that does not
 * exist.
 *
 * @param number SPR number, 0 to 1023
 * @param name   architectural name, also the key of the value in vCPU snapshots
 * @param access bit set of {@link #USER_READ}, {@link #USER_WRITE}, {@link #SUPERVISOR_READ},
 *               {@link #SUPERVISOR_WRITE}
 * @param reset  value at reset and when a VM gets the SPR for the first time
 * @param read   read hook; null reads the stored value
 * @param write  write hook; null stores the value
 */
public record BookeSpr(int number, String name, int access, int reset, Read read, Write write) {
    /** {@code access} bit: problem state (MSR[PR] = 1) may read (mfspr). */
    public static final int USER_READ = 1;
    /** {@code access} bit: problem state may write (mtspr). */
    public static final int USER_WRITE = 2;
    /** {@code access} bit: supervisor state may read. */
    public static final int SUPERVISOR_READ = 4;
    /** {@code access} bit: supervisor state may write. */
    public static final int SUPERVISOR_WRITE = 8;
    /** Supervisor reads and writes, user has no access. */
    public static final int RW_SUPERVISOR = SUPERVISOR_READ | SUPERVISOR_WRITE;
    /** Supervisor reads only. */
    public static final int RO_SUPERVISOR = SUPERVISOR_READ;
    /** Both states read and write (only for SPR numbers without bit 0x10). */
    public static final int RW_USER = USER_READ | USER_WRITE | SUPERVISOR_READ | SUPERVISOR_WRITE;
    /** Both states read, supervisor writes (the USPRG0 pattern; only for SPR numbers without bit 0x10). */
    public static final int RO_USER = USER_READ | SUPERVISOR_READ | SUPERVISOR_WRITE;

    /** Read hook, called on the vCPU thread for an allowed mfspr; must not allocate (the exit path). */
    @FunctionalInterface
    public interface Read {
        /**
         * Reads the SPR.
         *
         * @param vcpu the accessing vCPU
         * @return the value the guest's mfspr gets
         */
        int read(BookeSprAccess vcpu);
    }

    /** Write hook, called on the vCPU thread for an allowed mtspr; must not allocate (the exit path). */
    @FunctionalInterface
    public interface Write {
        /**
         * Writes the SPR; to keep the value, store it with {@link BookeSprAccess#setRaw(int, int)}.
         *
         * @param vcpu  the accessing vCPU
         * @param value the value of the guest's mtspr
         */
        void write(BookeSprAccess vcpu, int value);
    }

    /**
     * Checks the descriptor.
     *
     * @param number SPR number, 0 to 1023
     * @param name   architectural name
     * @param access access bits
     * @param reset  value at reset
     * @param read   read hook or null
     * @param write  write hook or null
     * @throws IllegalArgumentException naming the SPR when the number is out of range, the name empty, or user access
     *                                  is granted to a privileged SPR number
     */
    public BookeSpr {
        Objects.requireNonNull(name, "name");
        if (number < 0 || number > 1023) {
            throw new IllegalArgumentException("SPR " + name + ": number " + number + " is not 0..1023");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("SPR " + number + ": the name is empty; give its architectural name");
        }
        if (privileged(number) && (access & (USER_READ | USER_WRITE)) != 0) {
            throw new IllegalArgumentException("SPR " + name + " (" + number + "): SPR numbers with bit 0x10 set are"
                    + " privileged (Power ISA), so user access cannot be granted; use RW_SUPERVISOR or RO_SUPERVISOR");
        }
    }

    /**
     * A plain storage SPR: no hooks.
     *
     * @param number SPR number
     * @param name   architectural name
     * @param access access bits
     * @param reset  value at reset
     * @return the descriptor
     */
    public static BookeSpr plain(int number, String name, int access, int reset) {
        return new BookeSpr(number, name, access, reset, null, null);
    }

    /**
     * The same SPR with a read hook.
     *
     * @param hook the read hook
     * @return a new descriptor
     */
    public BookeSpr withRead(Read hook) {
        return new BookeSpr(number, name, access, reset, hook, write);
    }

    /**
     * The same SPR with a write hook.
     *
     * @param hook the write hook
     * @return a new descriptor
     */
    public BookeSpr withWrite(Write hook) {
        return new BookeSpr(number, name, access, reset, read, hook);
    }

    /**
     * Whether the Power ISA makes an SPR number privileged (bit 0x10 of the number, spr<sub>0</sub> of the field).
     *
     * @param number SPR number
     * @return true if problem-state accesses raise a privileged-instruction program interrupt
     */
    public static boolean privileged(int number) {
        return (number & 0x10) != 0;
    }
}
