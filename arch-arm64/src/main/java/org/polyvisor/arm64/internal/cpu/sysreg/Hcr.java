package org.polyvisor.arm64.internal.cpu.sysreg;

/** HCR_EL2 fields (ARM ARM, "HCR_EL2, Hypervisor Configuration Register"), as masks. */
public final class Hcr {
    public static final long VM = 1L << 0;
    public static final long SWIO = 1L << 1;
    public static final long PTW = 1L << 2;
    public static final long FMO = 1L << 3;
    public static final long IMO = 1L << 4;
    public static final long AMO = 1L << 5;
    public static final long VI = 1L << 7;
    public static final long FB = 1L << 9;
    /** BSU = 0b01: barrier shareability upgrade to inner shareable. */
    public static final long BSU_IS = 1L << 10;
    public static final long TWI = 1L << 13;
    public static final long TWE = 1L << 14;
    public static final long TID1 = 1L << 16;
    public static final long TID2 = 1L << 17;
    public static final long TID3 = 1L << 18;
    public static final long TSC = 1L << 19;
    public static final long TIDCP = 1L << 20;
    public static final long TACR = 1L << 21;
    public static final long TSW = 1L << 22;
    public static final long TVM = 1L << 26;
    public static final long TGE = 1L << 27;
    public static final long HCD = 1L << 29;
    public static final long RW = 1L << 31;
    public static final long E2H = 1L << 34;
    public static final long TLOR = 1L << 35;
    public static final long APK = 1L << 40;
    public static final long API = 1L << 41;
    public static final long ATA = 1L << 56;

    private Hcr() {
    }
}
