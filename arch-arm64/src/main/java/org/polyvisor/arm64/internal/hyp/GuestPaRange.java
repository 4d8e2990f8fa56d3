package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.mmu.Stage2Walk;

/**
 * The PARange a VM's vCPUs see in ID_AA64MMFR0_EL1. KVM shows the guest the host's sanitised PARange
 * (read_sanitised_ftr_reg), which covers every IPA size the host accepts; the model's guests show a Cortex-A57's 44
 * bits, so a VM given a larger IPA space (48 bits on a host whose physical CPUs all have 48) sees a PARange that covers
 * it: otherwise its accesses above 2^44 with the MMU off would take an address size fault at stage 1 before stage 2 saw
 * them (ARM ARM D8, "The effects of disabling an address translation stage").
 */
public final class GuestPaRange {
    private GuestPaRange() {
    }

    /** Raises the vCPU's ID_AA64MMFR0_EL1.PARange to the smallest that covers ipaBits; never lowers it. */
    public static void cover(Cpu cpu, int ipaBits) {
        int i = cpu.regs.index("ID_AA64MMFR0_EL1");
        long v = cpu.sys[i];
        int p = (int) v & 0xF;
        while (Stage2Walk.paBits(p) < ipaBits && p < 6) {
            p++;
        }
        cpu.sys[i] = (v & ~0xFL) | p;
    }
}
