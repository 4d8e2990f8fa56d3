package org.polyvisor.spi;

import org.osgi.annotation.versioning.ProviderType;
import org.polyvisor.api.GuestPhysicalAddress;

/** A VM's device bus (like KVM's io bus plus userspace MMIO). Implemented by the framework. */
@ProviderType
public interface MmioBus {
    /** Maps a device; an overlap with another device or with RAM is rejected with a VmException naming both. */
    void map(GuestPhysicalAddress base, long size, MmioDevice device);

    /** True if some device claims the address. */
    boolean isMapped(GuestPhysicalAddress address);

    /** Performs a read; an unmapped address throws a VmException naming the address. */
    long read(GuestPhysicalAddress address, int size);

    /** Performs a write; an unmapped address throws a VmException naming the address. */
    void write(GuestPhysicalAddress address, int size, long value);

    /** Removes one device (an extension detaching); unknown devices are ignored. */
    void unmap(MmioDevice device);

    /** Removes every device (when a machine is closed). */
    void clear();
}
