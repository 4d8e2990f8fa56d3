package com.example.tracer;

/**
 * Names of the hypercall functions a guest commonly makes, and which registers carry them. arm64: the SMC Calling
 * Convention (ARM DEN 0028) with PSCI 1.1 (ARM DEN 0022) function IDs in x0, arguments in x1-x7, results in x0-x3.
 * e500mc: the ePAPR hypercall ABI (ePAPR 1.1, section 6) with (vendor &lt;&lt; 16 | number) in r11, arguments and
 * results from r3.
 */
final class Functions {
    private Functions() {
    }

    /** The registers of one calling convention, by the names {@code Vcpu.registers()} uses. */
    record Convention(String function, String[] args, String result) {
    }

    static final Convention SMCCC = new Convention("x0", new String[] {"x1", "x2", "x3"}, "x0");
    static final Convention EPAPR = new Convention("r11", new String[] {"r3", "r4", "r5"}, "r3");

    /** The convention of an exit class, or null for exits that are not hypercalls. */
    static Convention of(String exitClass) {
        return switch (exitClass) {
            case "HVC64", "SMC64" -> SMCCC;
            case "HV_SYSCALL" -> EPAPR;
            default -> null;
        };
    }

    static String name(String exitClass, long function) {
        if (of(exitClass) == EPAPR) {
            return function == ((42 << 16) | 3) ? "KVM_HC_FEATURES" : String.format("EV_%d.%d", function >>> 16,
                    function & 0xFFFF);
        }
        return switch ((int) function) {
            case 0x8400_0000 -> "PSCI_VERSION";
            case 0x8400_0001, 0xC400_0001 -> "PSCI_CPU_SUSPEND";
            case 0x8400_0002 -> "PSCI_CPU_OFF";
            case 0x8400_0003, 0xC400_0003 -> "PSCI_CPU_ON";
            case 0x8400_0004, 0xC400_0004 -> "PSCI_AFFINITY_INFO";
            case 0x8400_0006 -> "PSCI_MIGRATE_INFO_TYPE";
            case 0x8400_0008 -> "PSCI_SYSTEM_OFF";
            case 0x8400_0009 -> "PSCI_SYSTEM_RESET";
            case 0x8400_000A -> "PSCI_FEATURES";
            case 0x8000_0000 -> "SMCCC_VERSION";
            default -> String.format("FN_0x%x", function);
        };
    }
}
