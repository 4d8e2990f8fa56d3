package org.polyvisor.ppc.internal.cpu;

/** MSR bits (32-bit masks as in Linux reg_booke.h). */
public final class Msr {
    private Msr() {
    }

    public static final int GS = 0x1000_0000;
    public static final int UCLE = 0x0400_0000;
    public static final int CE = 0x0002_0000;
    public static final int EE = 0x0000_8000;
    public static final int PR = 0x0000_4000;
    public static final int FP = 0x0000_2000;
    public static final int ME = 0x0000_1000;
    public static final int DE = 0x0000_0200;
    public static final int IS = 0x0000_0020;
    public static final int DS = 0x0000_0010;
    public static final int PMM = 0x0000_0004;
    public static final int FE0 = 0x0000_0800;
    public static final int FE1 = 0x0000_0100;
    public static final int RI = 0x0000_0002;
    /** Bits the e500mc implements; mtmsr and the interrupt returns drop the others (as QEMU's msr_mask). */
    public static final int IMPLEMENTED = GS | UCLE | CE | EE | PR | FP | ME | FE0 | DE | FE1 | IS | DS | PMM | RI;
    /** Bits an interrupt keeps (base class): CE, ME, DE; everything else is cleared on entry. */
    public static final int KEEP_ON_INTERRUPT = CE | ME | DE;
    /** Bits that change the translation context (soft TLB flush). */
    public static final int CONTEXT = GS | PR | IS | DS;
}
