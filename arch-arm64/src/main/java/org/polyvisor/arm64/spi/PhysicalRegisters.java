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
    /** True when the host runs with FEAT_VHE in use (HCR_EL2.E2H = 1, host kernel at EL2). */
    boolean vhe();

    /** Index of the vCPU this world switch belongs to. */
    int vcpuIndex();

    /** A stable handle for a register name, or -1 when the modelled CPU has no such register. */
    int slot(String name);

    long get(int slot);

    void set(int slot, long value);

    /** Convenience by-name access (slow path). Unknown names throw IllegalArgumentException. */
    default long read(String name) {
        int s = slot(name);
        if (s == -1) {
            throw new IllegalArgumentException("no physical register " + name);
        }
        return get(s);
    }

    default void write(String name, long value) {
        int s = slot(name);
        if (s == -1) {
            throw new IllegalArgumentException("no physical register " + name);
        }
        set(s, value);
    }
}
