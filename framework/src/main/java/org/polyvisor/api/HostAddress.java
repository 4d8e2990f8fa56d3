package org.polyvisor.api;

/**
 * A "host physical" address: where a guest physical address lands in the modelled machine's physical address space
 * after the hypervisor's translation (stage 2 on ARM64, the shadow TLB's real address on BookE).
 *
 * @param value the address in the modelled machine's physical address space
 */
public record HostAddress(long value) {
    /**
     * Wraps a raw host physical address.
     *
     * @param value the address
     * @return the typed address
     */
    public static HostAddress of(long value) {
        return new HostAddress(value);
    }

    @Override
    public String toString() {
        return "HPA 0x" + Long.toHexString(value);
    }
}
