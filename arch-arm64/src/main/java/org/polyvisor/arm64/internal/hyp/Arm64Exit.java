package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.spi.Exit;

/**
 * An exception taken to EL2 that the hypervisor layer hands to an exit handler, named after ESR_EL2.EC
 * ({@code HVC64}, {@code SMC64}, {@code SYS64}, {@code DABT_LOW}, {@code IABT_LOW}, {@code WFx}).
 *
 * @param exitClass EC name
 * @param esr       ESR_EL2 value
 * @param far       FAR_EL2 (faulting virtual address) where the EC defines one, else 0
 * @param hpfar     HPFAR_EL2 (faulting IPA bits [51:12] at [43:4]) for stage-2 aborts, else 0
 */
public record Arm64Exit(String exitClass, long esr, long far, long hpfar) implements Exit.ArchExit {
    @Override
    public String toString() {
        return exitClass + " esr=0x" + Long.toHexString(esr) + " far=0x" + Long.toHexString(far) + " hpfar=0x"
                + Long.toHexString(hpfar);
    }
}
