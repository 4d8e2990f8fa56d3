package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The registers of the modelled physical CPU that a vCPU's world switch runs on, as a world-switch participant sees
 * them. While the guest runs, registers the guest shares with the host (the EL1 bank on a non-VHE host, HCR_EL2,
 * MDCR_EL2 and friends on both) hold guest values; at the participant hooks they hold what the sequence has loaded so
 * far (see {@link WorldSwitchSession}). Registers are addressed by architectural name; look a slot up once with
 * {@link #slot(String)} and use {@link #get(int)}/{@link #set(int, long)} on the exit path, which must not allocate.
 */
@ProviderType
public interface PhysicalRegisters {
    /**
     * Whether the host runs with FEAT_VHE in use (HCR_EL2.E2H = 1, host kernel at EL2): the registers a participant
     * must save differ between the two host models.
     *
     * @return true on a VHE host, false on an nVHE host
     */
    boolean vhe();

    /**
     * The vCPU this world switch belongs to.
     *
     * @return the vCPU's index in its machine
     */
    int vcpuIndex();

    /**
     * A stable handle for a register name, looked up once so the exit path indexes instead of hashing names.
     *
     * @param name architectural name, for example {@code PMSCR_EL1}
     * @return the slot, or -1 when the modelled CPU has no such register
     */
    int slot(String name);

    /**
     * Reads a register on the exit path.
     *
     * @param slot a handle from {@link #slot(String)}
     * @return the register's current value
     */
    long get(int slot);

    /**
     * Writes a register on the exit path.
     *
     * @param slot  a handle from {@link #slot(String)}
     * @param value the new value
     */
    void set(int slot, long value);

    /**
     * Reads a register by name (slow path: setup and tests).
     *
     * @param name architectural name
     * @return the register's current value
     * @throws IllegalArgumentException if the modelled CPU has no such register
     */
    default long read(String name) {
        int s = slot(name);
        if (s == -1) {
            throw new IllegalArgumentException("no physical register " + name);
        }
        return get(s);
    }

    /**
     * Writes a register by name (slow path: setup and tests).
     *
     * @param name  architectural name
     * @param value the new value
     * @throws IllegalArgumentException if the modelled CPU has no such register
     */
    default void write(String name, long value) {
        int s = slot(name);
        if (s == -1) {
            throw new IllegalArgumentException("no physical register " + name);
        }
        set(s, value);
    }

    /**
     * The physical PE's sampling hook: a feature modelling a profiling unit of the physical CPU uses it to translate
     * through the EL1&amp;0 regime that is loaded at the moment (the host's or, once the world switch loaded it, the
     * guest's) and to write memory, as the hardware would.
     *
     * @return the PE's hook
     * @since 0.4
     */
    SamplingHook sampling();
}
