package org.polyvisor.arm64.internal.cpu;

/** Exception classes (ESR_ELx.EC) used by the model. */
public final class Ec {
    public static final int UNKNOWN = 0x00;
    public static final int WFX = 0x01;
    public static final int FP_ACCESS = 0x07;
    public static final int ILLEGAL_STATE = 0x0E;
    public static final int SVC64 = 0x15;
    public static final int HVC64 = 0x16;
    public static final int SMC64 = 0x17;
    public static final int SYS64 = 0x18;
    public static final int IABT_LOW = 0x20;
    public static final int IABT_CUR = 0x21;
    public static final int PC_ALIGN = 0x22;
    public static final int DABT_LOW = 0x24;
    public static final int DABT_CUR = 0x25;
    public static final int SP_ALIGN = 0x26;
    public static final int BRK64 = 0x3C;

    private Ec() {
    }

    /** Exit-class name of an EC as the hypervisor layer reports it. */
    public static String name(int ec) {
        return switch (ec) {
            case UNKNOWN -> "UNKNOWN";
            case WFX -> "WFx";
            case FP_ACCESS -> "FP_ASIMD";
            case ILLEGAL_STATE -> "ILL";
            case SVC64 -> "SVC64";
            case HVC64 -> "HVC64";
            case SMC64 -> "SMC64";
            case SYS64 -> "SYS64";
            case IABT_LOW -> "IABT_LOW";
            case IABT_CUR -> "IABT_CUR";
            case PC_ALIGN -> "PC_ALIGN";
            case DABT_LOW -> "DABT_LOW";
            case DABT_CUR -> "DABT_CUR";
            case SP_ALIGN -> "SP_ALIGN";
            case BRK64 -> "BRK64";
            default -> "EC_0x" + Integer.toHexString(ec);
        };
    }
}
