package org.polyvisor.arm64.internal.hyp;

/** The interrupt line from a GIC CPU interface to its PE (here: the vCPU's virtual IRQ, HCR_EL2.VI). */
@FunctionalInterface
public interface IrqLine {
    /** Called under the GIC lock from any thread whenever the line's level may have changed. */
    void set(boolean asserted);
}
