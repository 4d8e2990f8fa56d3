package org.polyvisor.arm64.spi;

/** The view of a vCPU that system-register hooks need: current EL, raw register storage, counters. */
@org.osgi.annotation.versioning.ProviderType
public interface SysRegState {
    /** Current exception level, 0 or 1 (EL2 is the hypervisor model itself). */
    int currentEl();

    /** Raw stored value of the register with this name (its descriptor's storage slot). */
    long raw(String name);

    void setRaw(String name, long value);

    /** Virtual counter value (CNTVCT_EL0) now. */
    long virtualCount();

    /** Asks the CPU to drop cached translations and decoded blocks (for registers that change translation). */
    void translationChanged();
}
