package org.polyvisor.ppc.internal.hyp;

import org.polyvisor.ppc.internal.exec.Cpu;

/**
 * Loads the guest instruction at the exit PC for emulation (KVM kvmppc_load_last_inst). Returns
 * {@link InstLoad#LOADED} with the word in {@code out[0]}, or the reason it could not; what the hypervisor then does
 * (EMULATE_AGAIN or EMULATE_FAIL) is its policy, not the loader's.
 */
public interface LastInstLoader {
    /** KVM_INST_FETCH_FAILED: the value reported when no instruction could be read. */
    int INST_FETCH_FAILED = -1;

    String name();

    InstLoad load(Cpu cpu, int lpid, int[] out);
}
