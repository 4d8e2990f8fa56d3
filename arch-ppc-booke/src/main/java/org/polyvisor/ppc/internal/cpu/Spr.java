package org.polyvisor.ppc.internal.cpu;

/**
 * Descriptor of one SPR, like QEMU's ARMCPRegInfo: who may access it and what happens in guest state.
 *
 * @param num      SPR number
 * @param name     architectural name (also the state-snapshot key)
 * @param level    lowest privilege that may access it
 * @param guest    what an access does when MSR[GS]=1
 * @param redirect the SPR actually accessed when {@code guest == REDIRECT} (SRR0 -> GSRR0 ...)
 * @param readOnly writes are ignored (the e500mc discards writes to read-only SPRs)
 * @param reset    value at reset
 */
public record Spr(int num, String name, Level level, Guest guest, int redirect, boolean readOnly, int reset) {
    /** Privilege needed. */
    public enum Level { USER, SUPERVISOR, HYPERVISOR }

    /** Behaviour in guest state. */
    public enum Guest {
        /** The guest reaches the hardware register. */
        NATIVE,
        /** The access goes to the guest copy (GSRR0 for SRR0, GSPRG0 for SPRG0 ...). */
        REDIRECT,
        /** Hypervisor privilege interrupt: the hypervisor emulates it (KVM kvmppc_core_emulate_m[ft]spr). */
        TRAP
    }
}
