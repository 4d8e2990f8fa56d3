package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayList;
import java.util.List;

/** The register groups KVM's sysreg-sr.c saves and restores, by architectural name. */
public final class SysRegGroups {
    private SysRegGroups() {
    }

    /**
     * __sysreg_save_el1_state: the EL1 translation, exception and thread registers (plus SP_EL1), listed in the
     * order of the CPU model's register tables so that the save areas copy in a few runs.
     */
    public static final List<String> EL1 = List.of("SCTLR_EL1", "ACTLR_EL1", "CPACR_EL1", "TTBR0_EL1", "TTBR1_EL1",
            "TCR_EL1", "AFSR0_EL1", "AFSR1_EL1", "ESR_EL1", "FAR_EL1", "PAR_EL1", "MAIR_EL1", "AMAIR_EL1", "VBAR_EL1",
            "CONTEXTIDR_EL1", "TPIDR_EL1", "CNTKCTL_EL1", "CSSELR_EL1", "ELR_EL1", "SPSR_EL1", "SP_EL1");
    /** __sysreg_save_user_state: EL0 thread registers. */
    public static final List<String> USER = List.of("TPIDR_EL0", "TPIDRRO_EL0");
    /** __sysreg_save_common_state: the debug control the host kernel relies on. */
    public static final List<String> COMMON = List.of("MDSCR_EL1");
    /**
     * The EL2 configuration the world switch changes for the guest (activate/deactivate traps, stage 2, timer).
     * VTCR_EL2 goes with VTTBR_EL2 (__load_stage2): the built-in hypervisor gives every VM the one value computed at
     * init, so loading it changes nothing there; a vCPU reset of the model's EL2 registers cannot lose it.
     */
    public static final List<String> TRAPS = List.of("HCR_EL2", "MDCR_EL2", "CPTR_EL2", "CNTHCTL_EL2", "CNTVOFF_EL2",
            "VTTBR_EL2", "VTCR_EL2");
    /** A VHE host kernel's own translation regime and vectors (EL1 names redirected to EL2 by E2H). */
    public static final List<String> VHE_HOST_EL2 = List.of("SCTLR_EL2", "TCR_EL2", "TTBR0_EL2", "TTBR1_EL2",
            "MAIR_EL2", "CONTEXTIDR_EL2", "TPIDR_EL2", "VBAR_EL2", "PMSCR_EL2");

    @SafeVarargs
    public static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) {
            out.addAll(l);
        }
        return out;
    }
}
