package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.cpu.Cpu;

/**
 * The guest side of the virtual IRQ line (HCR_EL2.VI with IMO set): when it is asserted and the guest's PSTATE.I is
 * clear, the PE takes an IRQ exception to EL1 at the next instruction boundary, without any exit to EL2.
 */
public interface VirtualIrq {
    /** Takes the IRQ exception if the line is asserted and PSTATE.I allows it. */
    void takeIfUnmasked(Cpu cpu);

    /**
     * After the interpreter stopped at a block boundary: true when the only reason was that the guest unmasked IRQs
     * with the line asserted, so the world switch should let it take the IRQ and continue without an exit.
     */
    boolean wantsEntry(Cpu cpu);
}
