package org.polyvisor.ppc.internal.cpu;

/** ESR bits (syndrome of program, storage and TLB interrupts). */
public final class Esr {
    private Esr() {
    }

    public static final int PIL = 0x0800_0000;
    public static final int PPR = 0x0400_0000;
    public static final int PTR = 0x0200_0000;
    public static final int ST = 0x0080_0000;
    public static final int EPID = 0x0000_0040;
}
