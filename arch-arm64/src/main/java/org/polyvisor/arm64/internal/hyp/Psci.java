package org.polyvisor.arm64.internal.hyp;

/** PSCI 1.1 and SMCCC function IDs and return codes (include/uapi/linux/psci.h, include/linux/arm-smccc.h). */
public final class Psci {
    private Psci() {
    }

    public static final long PSCI_VERSION = 0x8400_0000L;
    public static final long CPU_SUSPEND = 0x8400_0001L;
    public static final long CPU_OFF = 0x8400_0002L;
    public static final long CPU_ON = 0x8400_0003L;
    public static final long CPU_ON_64 = 0xC400_0003L;
    public static final long AFFINITY_INFO = 0x8400_0004L;
    public static final long AFFINITY_INFO_64 = 0xC400_0004L;
    public static final long MIGRATE_INFO_TYPE = 0x8400_0006L;
    public static final long SYSTEM_OFF = 0x8400_0008L;
    public static final long SYSTEM_RESET = 0x8400_0009L;
    public static final long PSCI_FEATURES = 0x8400_000AL;
    public static final long SMCCC_VERSION = 0x8000_0000L;

    public static final long VERSION_1_1 = 0x1_0001L;
    public static final long SMCCC_1_1 = 0x1_0001L;

    public static final long SUCCESS = 0;
    public static final long NOT_SUPPORTED = -1;
    public static final long INVALID_PARAMS = -2;
    public static final long DENIED = -3;
    public static final long ALREADY_ON = -4;
    public static final long ON_PENDING = -5;

    public static final long AFFINITY_ON = 0;
    public static final long AFFINITY_OFF = 1;
    public static final long AFFINITY_ON_PENDING = 2;
}
