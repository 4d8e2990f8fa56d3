package org.polyvisor.arm64.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the host's physical CPUs allow at stage 2, sanitised over all of them (the lowest wins, as Linux's sanitised
 * ID registers): the input a {@link Stage2Configurator} validates a VM's IPA size against.
 */
@ProviderType
public interface Stage2Host {
    /**
     * The sanitised ID_AA64MMFR0_EL1.PARange.
     *
     * @return the encoding (0 = 32 bits, 1 = 36, 2 = 40, 3 = 42, 4 = 44, 5 = 48, 6 = 52)
     */
    int parange();

    /**
     * The physical address size PARange stands for.
     *
     * @return bits
     */
    int paBits();

    /**
     * Whether stage 2 supports a translation granule (ID_AA64MMFR0_EL1.TGran*_2).
     *
     * @param granuleShift 12 (4K), 14 (16K) or 16 (64K)
     * @return true if every physical CPU supports it at stage 2
     */
    boolean supportsGranule(int granuleShift);

    /**
     * Whether every physical CPU has 16-bit VMIDs (ID_AA64MMFR1_EL1.VMIDBits = 2): VTCR_EL2.VS may be set.
     *
     * @return true for 16-bit VMIDs
     */
    boolean vmid16();

    /**
     * Whether hardware updates of the access flag are supported (ID_AA64MMFR1_EL1.HAFDBS != 0): VTCR_EL2.HA may be set
     * (per CPU in KVM; here only when all have it).
     *
     * @return true if supported
     */
    boolean hardwareAccessFlag();
}
