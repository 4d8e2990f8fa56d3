package org.polyvisor.ppc.internal.hyp;

/**
 * What a {@link LastInstLoader} found at the exit PC: the instruction, or why it could not be read. The hypervisor
 * turns a failure into EMULATE_AGAIN or EMULATE_FAIL ({@link LoadFailurePolicy}); the reason goes into the exit
 * ({@link PpcExit#reason()}) and into its own counter in {@code pv:exits}.
 */
public enum InstLoad {
    /** The instruction is in {@code out[0]}. */
    LOADED("loaded", ""),
    /** No TLB entry for the guest PC (evicted since the exit, or a wrong PID/AS/LPID): always EMULATE_AGAIN. */
    EVICTED("TLB entry for the guest PC evicted", "LASTINST_EVICTED"),
    /** The entry has no UX (guest PR=1) or SX (PR=0): another thread rewrote it after the exit. */
    NO_EXECUTE("no execute permission", "LASTINST_NO_EXECUTE"),
    /** MMU v2: the entry is not cacheable, coherent, write-back as the host's mapping of the page would be. */
    ATTRIBUTE_MISMATCH("storage attribute mismatch", "LASTINST_ATTRIBUTE_MISMATCH"),
    /** The real address is not RAM (device memory). */
    NOT_RAM("not RAM", "LASTINST_NOT_RAM"),
    /** The external-PID load faulted on a present entry (no read permission for the guest's PR). */
    LWEPX_FAULT("lwepx storage fault", "LASTINST_LWEPX_FAULT");

    private final String description;
    private final String counter;

    InstLoad(String description, String counter) {
        this.description = description;
        this.counter = counter;
    }

    /** For messages: what went wrong, in words. */
    public String description() {
        return description;
    }

    /** The exit counter of this reason ({@code pv:exits}, {@code Vcpu.registers()} as {@code exits.<name>}). */
    public String counter() {
        return counter;
    }
}
