package org.polyvisor.ppc.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The view of a vCPU that SPR hooks get. Hooks run on the vCPU's thread while the guest is stopped at the program
 * interrupt; every method here is allocation-free.
 */
@ProviderType
public interface BookeSprAccess {
    /**
     * The vCPU's index in its machine.
     *
     * @return the index, 0 for the first vCPU
     */
    int vcpuIndex();

    /**
     * The stored value of a contributed SPR of this vCPU, bypassing its hooks.
     *
     * @param number the SPR number
     * @return the stored value
     * @throws IllegalArgumentException if no installed table contributes that SPR
     */
    int raw(int number);

    /**
     * Stores a contributed SPR's value, bypassing its hooks.
     *
     * @param number the SPR number
     * @param value  the value to store
     * @throws IllegalArgumentException if no installed table contributes that SPR
     */
    void setRaw(int number, int value);

    /**
     * Whether the guest was in problem state (MSR[PR] = 1) at the access.
     *
     * @return true for user mode
     */
    boolean problemState();

    /**
     * The guest's time base at the access (400 MHz, counted on the VM's guest clock).
     *
     * @return the 64-bit time base
     */
    long timeBase();
}
