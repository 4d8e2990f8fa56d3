package org.polyvisor.arm64.internal.hyp;

/**
 * The interrupt controller as the vCPU run loop uses it (the board's GICv3): it drives each vCPU's IRQ line, and the
 * vCPU feeds its virtual timer's output to it as a private peripheral interrupt.
 */
public interface InterruptController {
    /** Connects the CPU interface of {@code cpu} to the vCPU's interrupt line. */
    void connect(int cpu, IrqLine line);

    /** Sets the level of a private peripheral interrupt of {@code cpu}. */
    void setLevel(int cpu, int intid, boolean level);
}
