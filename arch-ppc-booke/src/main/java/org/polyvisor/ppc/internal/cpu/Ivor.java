package org.polyvisor.ppc.internal.cpu;

/** Interrupt numbers (IVORn), named after KVM's BOOKE_INTERRUPT_* which uses the same numbers. */
public final class Ivor {
    private Ivor() {
    }

    public static final int CRITICAL = 0, MACHINE_CHECK = 1, DATA_STORAGE = 2, INST_STORAGE = 3, EXTERNAL = 4,
            ALIGNMENT = 5, PROGRAM = 6, FP_UNAVAIL = 7, SYSCALL = 8, AP_UNAVAIL = 9, DECREMENTER = 10, FIT = 11,
            WATCHDOG = 12, DTLB_MISS = 13, ITLB_MISS = 14, DEBUG = 15, HV_SYSCALL = 40, HV_PRIV = 41;

    /** KVM's exit-class name for an interrupt number. */
    public static String name(int ivor) {
        return switch (ivor) {
            case CRITICAL -> "CRITICAL";
            case MACHINE_CHECK -> "MACHINE_CHECK";
            case DATA_STORAGE -> "DATA_STORAGE";
            case INST_STORAGE -> "INST_STORAGE";
            case EXTERNAL -> "EXTERNAL";
            case ALIGNMENT -> "ALIGNMENT";
            case PROGRAM -> "PROGRAM";
            case FP_UNAVAIL -> "FP_UNAVAIL";
            case SYSCALL -> "SYSCALL";
            case AP_UNAVAIL -> "AP_UNAVAIL";
            case DECREMENTER -> "DECREMENTER";
            case FIT -> "FIT";
            case WATCHDOG -> "WATCHDOG";
            case DTLB_MISS -> "DTLB_MISS";
            case ITLB_MISS -> "ITLB_MISS";
            case DEBUG -> "DEBUG";
            case HV_SYSCALL -> "HV_SYSCALL";
            case HV_PRIV -> "HV_PRIV";
            default -> "IVOR" + ivor;
        };
    }

    /** SPR number of IVORn (hypervisor-side vector offsets). */
    public static int sprOf(int ivor) {
        if (ivor < 16) {
            return 400 + ivor;
        }
        if (ivor >= 32 && ivor <= 37) {
            return 528 + ivor - 32;
        }
        return 432 + ivor - 38;
    }
}
