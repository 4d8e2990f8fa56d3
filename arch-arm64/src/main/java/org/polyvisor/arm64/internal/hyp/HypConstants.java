package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.cpu.sysreg.Hcr;
import org.polyvisor.arm64.internal.cpu.sysreg.Mdcr;

/** KVM's EL2 constants (arch/arm64/include/asm/kvm_arm.h, daifflags.h) as the world switch uses them. */
public final class HypConstants {
    private HypConstants() {
    }

    /** HCR_GUEST_FLAGS: TSC|TSW|TWE|TWI|VM|BSU_IS|FB|TACR|AMO|SWIO|TIDCP|RW|TLOR|FMO|IMO|PTW|TID3|TID2. */
    public static final long HCR_GUEST_FLAGS = Hcr.TSC | Hcr.TSW | Hcr.TWE | Hcr.TWI | Hcr.VM | Hcr.BSU_IS | Hcr.FB
            | Hcr.TACR | Hcr.AMO | Hcr.SWIO | Hcr.TIDCP | Hcr.RW | Hcr.TLOR | Hcr.FMO | Hcr.IMO | Hcr.PTW | Hcr.TID3
            | Hcr.TID2;
    /** HCR_HOST_VHE_FLAGS: RW|TGE|E2H. */
    public static final long HCR_HOST_VHE_FLAGS = Hcr.RW | Hcr.TGE | Hcr.E2H;
    /** HCR_HOST_NVHE_FLAGS: RW|API|APK|ATA. */
    public static final long HCR_HOST_NVHE_FLAGS = Hcr.RW | Hcr.API | Hcr.APK | Hcr.ATA;

    /** MDCR_GUEST_FLAGS_DEFAULT: TPM|TPMS|TTRF|TPMCR|TDRA|TDOSA (E2PB = 0: guest SPE buffer accesses trap). */
    public static final long MDCR_GUEST_FLAGS = Mdcr.TPM | Mdcr.TPMS | Mdcr.TTRF | Mdcr.TPMCR | Mdcr.TDRA | Mdcr.TDOSA;
    /** A host's MDCR_EL2: all 6 counters to EL1 (HPMN = 6), and on nVHE the SPE buffer owned by EL1 (E2PB = 0b11). */
    public static final long MDCR_HOST_NVHE = 6 | Mdcr.E2PB_EL1;
    public static final long MDCR_HOST_VHE = 6;

    /** CPTR_EL2 while a guest runs (nVHE layout: TFP clear so FP/SIMD is not trapped to EL2, RES1 bits). */
    public static final long CPTR_GUEST = 0x33FF;
    public static final long CPTR_HOST_NVHE = 0x33FF;
    /** Under E2H CPTR_EL2 has the CPACR layout: FPEN = 0b11 for the host kernel. */
    public static final long CPTR_HOST_VHE = 0x30_0000;

    /** CNTHCTL_EL2 for the guest: EL1PCTEN|EL1PCEN (nVHE layout), the guest may use the physical counter/timer. */
    public static final long CNTHCTL_GUEST = 3;

    /** VTCR_EL2 for the default stage 2: 4K granule, 40-bit IPA, start at level 1, PS = 40 bits, inner WBWA. */
    public static final long VTCR_40BIT_4K = 0x8002_3558L;

    /** Addresses of KVM's hyp vectors and the host kernel's vectors in the modelled host (only compared, never run). */
    public static final long HYP_VECTORS = 0xFFFF_8000_1000_0800L;

    /** PSTATE/SPSR mask bits (arch/arm64/include/uapi/asm/ptrace.h): debug, SError, IRQ, FIQ. */
    public static final int PSR_D_BIT = 0x200;
    public static final int PSR_A_BIT = 0x100;
    public static final int PSR_I_BIT = 0x80;
    public static final int PSR_F_BIT = 0x40;

    /** daifflags.h: process context with IRQs off, PSR_I_BIT | PSR_F_BIT (I and F kept in sync since 2021). */
    public static final int DAIF_PROCCTX_NOIRQ = PSR_I_BIT | PSR_F_BIT;
}
