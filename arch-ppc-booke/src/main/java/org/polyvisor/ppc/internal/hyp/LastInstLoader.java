package org.polyvisor.ppc.internal.hyp;

import org.polyvisor.ppc.internal.exec.Cpu;

/**
 * Loads the guest instruction at the exit PC for emulation (KVM kvmppc_load_last_inst). Only DONE, AGAIN and
 * FAIL are returned; on DONE the word is in {@code out[0]}.
 */
public interface LastInstLoader {
    /** KVM_INST_FETCH_FAILED: the value reported when no instruction could be read. */
    int INST_FETCH_FAILED = -1;

    String name();

    EmulationResult load(Cpu cpu, int lpid, int[] out);
}
