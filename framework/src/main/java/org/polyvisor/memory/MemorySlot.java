package org.polyvisor.memory;

import org.polyvisor.api.GuestPhysicalAddress;

/**
 * One RAM region of a VM, like a KVM_SET_USER_MEMORY_REGION slot.
 *
 * @param id       slot number, unique within the VM
 * @param base     first guest physical address
 * @param size     bytes (a multiple of 4 KiB)
 * @param readOnly guest writes fault (ROM, flash)
 */
public record MemorySlot(int id, GuestPhysicalAddress base, long size, boolean readOnly) {
    /**
     * The first guest physical address after the slot.
     *
     * @return base plus size
     */
    public long end() {
        return base.value() + size;
    }

    /**
     * Whether the slot covers an address.
     *
     * @param gpa a guest physical address
     * @return true if {@code base <= gpa < end}
     */
    public boolean contains(long gpa) {
        return gpa - base.value() >= 0 && gpa - base.value() < size;
    }

    @Override
    public String toString() {
        return "slot " + id + " [0x" + Long.toHexString(base.value()) + "..0x" + Long.toHexString(end() - 1) + "]"
                + (readOnly ? " ro" : "");
    }
}
