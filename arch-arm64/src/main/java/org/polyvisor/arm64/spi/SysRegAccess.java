package org.polyvisor.arm64.spi;

/** Outcome of a system-register access check, as the architecture's access-check pseudocode decides it. */
public enum SysRegAccess {
    /** The access proceeds at the current exception level. */
    OK,
    /** The access is trapped to EL1 (for example EL0 access that CNTKCTL_EL1 or SCTLR_EL1 forbids). */
    TRAP_EL1,
    /** The access is trapped to EL2 (HCR_EL2.TID3 and friends): the hypervisor layer sees an ESR_EL2 EC 0x18. */
    TRAP_EL2,
    /** The access is UNDEFINED: the guest takes an Undefined Instruction exception. */
    UNDEFINED
}
