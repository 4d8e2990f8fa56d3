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
 * @param pc        the guest PC of the instruction involved
 * @param reason    why the instruction could not be loaded or emulated ({@link InstLoad#description()} for
 *                  INST_LOAD_FAIL), empty for the other classes
 * @param retries   INST_LOAD_FAIL only: 0 when the load answered EMULATE_FAIL (a program interrupt is queued), else
 *                  the EMULATE_AGAIN retries after which the vCPU gave up ({@link LoadFailurePolicy#MAX_RETRIES};
 *                  nothing is queued, the guest would fault again)
 */
public record PpcExit(String exitClass, int ivor, long esr, long dear, int lastInst, int pc, String reason,
                      int retries) implements Exit.ArchExit {
    /** An exit without a failure reason. */
    public PpcExit(String exitClass, int ivor, long esr, long dear, int lastInst, int pc) {
        this(exitClass, ivor, esr, dear, lastInst, pc, "", 0);
    }

    /** KVM's run->hw.hardware_exit_reason for an instruction-load or emulation failure. */
    public long hardwareExitReason() {
        return (~0L << 32) | (lastInst & 0xFFFF_FFFFL);
    }
}
