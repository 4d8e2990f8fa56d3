package org.polyvisor.ppc.internal.hyp;

/** KVM's enum emulation_result (kvm_ppc.h): what an emulation step asks the exit path to do. */
public enum EmulationResult {
    /** Done: advance past the instruction and resume the guest. */
    DONE,
    /** The instruction is an MMIO access: exit to the device model. */
    DO_MMIO,
    /** Cannot emulate: inject a program interrupt and report to the host. */
    FAIL,
    /** Nothing done: resume the guest, which will fault again (for example the TLB entry was evicted). */
    AGAIN,
    /** Needs the host (userspace in KVM), for example a debug request. */
    EXIT_USER
}
