package org.polyvisor.ppc.internal.hyp;

import org.polyvisor.spi.Exit;

/**
 * An exit of a ppc-booke vCPU that goes to the framework's ExitHandler whiteboard.
 *
 * @param exitClass KVM-style name: HV_SYSCALL, INST_LOAD_FAIL, EMULATION_FAIL, DEBUG, ...
 * @param ivor      the interrupt that caused it (KVM's exit_nr)
 * @param esr       ESR at the exit
 * @param dear      DEAR at the exit
 * @param lastInst  the guest instruction involved, or -1 (KVM_INST_FETCH_FAILED) when it could not be read;
 *                  KVM reports it in hardware_exit_reason as (~0ULL << 32) | inst
 */
public record PpcExit(String exitClass, int ivor, long esr, long dear, int lastInst) implements Exit.ArchExit {
    /** KVM's run->hw.hardware_exit_reason for an instruction-load or emulation failure. */
    public long hardwareExitReason() {
        return (~0L << 32) | (lastInst & 0xFFFF_FFFFL);
    }
}
