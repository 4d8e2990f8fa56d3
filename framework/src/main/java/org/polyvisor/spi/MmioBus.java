package org.polyvisor.spi;

import org.osgi.annotation.versioning.ProviderType;
import org.polyvisor.api.GuestPhysicalAddress;

/** A VM's device bus (like KVM's io bus plus userspace MMIO). Implemented by the framework. */
@ProviderType
public interface MmioBus {
    /**
     * Maps a device; an overlap with another device or with RAM is rejected with a VmException naming both.
     *
     * @param base   first guest physical address of the device's window
     * @param size   window size in bytes
     * @param device the device; accesses arrive with offsets from {@code base}
     */
    void map(GuestPhysicalAddress base, long size, MmioDevice device);

    /**
     * Whether some device claims the address.
     *
     * @param address a guest physical address
     * @return true if an access there goes to a device
     */
    boolean isMapped(GuestPhysicalAddress address);

    /**
     * Performs a read; an unmapped address throws a VmException naming the address.
     *
     * @param address guest physical address
     * @param size    access size in bytes (1, 2, 4 or 8)
     * @return the device's value, zero-extended
     */
    long read(GuestPhysicalAddress address, int size);

    /**
     * Performs a write; an unmapped address throws a VmException naming the address.
     *
     * @param address guest physical address
     * @param size    access size in bytes (1, 2, 4 or 8)
     * @param value   the value; bytes above {@code size} are ignored
     */
    void write(GuestPhysicalAddress address, int size, long value);

    /**
     * Removes one device (an extension detaching); unknown devices are ignored.
     *
     * @param device the device passed to {@link #map}
     */
    void unmap(MmioDevice device);

    /** Removes every device (when a machine is closed). */
    void clear();
}
