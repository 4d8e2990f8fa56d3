package org.polyvisor.arm64.internal.cpu.sysreg;

import static org.polyvisor.arm64.spi.SysReg.plain;

import java.util.List;

import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegTable;

/**
 * The modelled EL2 state that the hypervisor layer owns. A guest at EL1 cannot reach these (access 0 means
 * UNDEFINED from EL0/EL1, as on hardware with EL2 implemented); they are kept for the exception syndrome, for
 * exit handlers and for state snapshots.
 */
public final class El2Registers implements SysRegTable {
    /** KVM's HCR_GUEST_FLAGS: TSC|TSW|TWE|TWI|VM|BSU_IS|FB|TACR|AMO|SWIO|TIDCP|RW|TLOR|FMO|IMO|PTW|TID3|TID2. */
    public static final long HCR_GUEST_FLAGS = 0x0000_0008_807E_663FL;

    @Override
    public String name() {
        return "el2";
    }

    @Override
    public List<SysReg> registers() {
        return List.of(
                plain("HCR_EL2", 3, 4, 1, 1, 0, 0, HCR_GUEST_FLAGS),
                plain("MDCR_EL2", 3, 4, 1, 1, 1, 0, 0),
                plain("CPTR_EL2", 3, 4, 1, 1, 2, 0, 0x33FF),
                plain("VTTBR_EL2", 3, 4, 2, 1, 0, 0, 0),
                plain("VTCR_EL2", 3, 4, 2, 1, 2, 0, 0x8002_3558L),
                plain("SPSR_EL2", 3, 4, 4, 0, 0, 0, 0),
                plain("ELR_EL2", 3, 4, 4, 0, 1, 0, 0),
                plain("ESR_EL2", 3, 4, 5, 2, 0, 0, 0),
                plain("FAR_EL2", 3, 4, 6, 0, 0, 0, 0),
                plain("HPFAR_EL2", 3, 4, 6, 0, 4, 0, 0),
                plain("VPIDR_EL2", 3, 4, 0, 0, 0, 0, 0x411f_d070L),
                plain("VMPIDR_EL2", 3, 4, 0, 0, 5, 0, 0x8000_0000L),
                plain("CNTHCTL_EL2", 3, 4, 14, 1, 0, 0, 3),
                plain("CNTVOFF_EL2", 3, 4, 14, 0, 3, 0, 0));
    }
}
