package org.polyvisor.arm64.internal.cpu;

/**
 * ESR_ELx layout (ARM ARM, "ESR_EL2"): EC in bits 31:26, IL in bit 25, ISS in 24:0, and the data-abort ISS
 * fields (ISS encoding for an exception from a Data Abort). The PE encodes with these; the hypervisor layer's
 * syndrome decoder reads with them.
 */
public final class Esr {
    public static final int EC_SHIFT = 26;
    /** Instruction length: 32-bit instruction (always set for AArch64 synchronous exceptions). */
    public static final long IL = 1L << 25;
    public static final int ISS_MASK = 0x1FF_FFFF;

    /** Data abort ISS: instruction syndrome valid (SAS, SSE, SRT, SF, AR hold the access). */
    public static final int ISS_ISV = 1 << 24;
    /** Data abort ISS: syndrome access size, log2 of the bytes, bits 23:22. */
    public static final int ISS_SAS_SHIFT = 22;
    /** Data abort ISS: syndrome sign extend. */
    public static final int ISS_SSE = 1 << 21;
    /** Data abort ISS: syndrome register transfer (Rt), bits 20:16. */
    public static final int ISS_SRT_SHIFT = 16;
    /** Data abort ISS: sixty-four bit register (the load targets Xt, not Wt). */
    public static final int ISS_SF = 1 << 15;
    /** Data abort ISS: acquire/release semantics. */
    public static final int ISS_AR = 1 << 14;
    /** Data abort ISS: write not read. */
    public static final int ISS_WNR = 1 << 6;
    /** ISS.S1PTW: the stage-2 fault happened on a stage-1 translation table walk. */
    public static final int ISS_S1PTW = 1 << 7;
    /** DFSC/IFSC: synchronous external abort, not on a translation table walk. */
    public static final int DFSC_SEA = 0x10;
    /** DFSC/IFSC: translation fault, level 3. */
    public static final int DFSC_TRANSLATION_L3 = 0x07;

    private Esr() {
    }

    /** The ESR value of a synchronous exception with this class and ISS. */
    public static long of(int ec, int iss) {
        return ((long) ec << EC_SHIFT) | IL | (iss & ISS_MASK);
    }

    public static int ec(long esr) {
        return (int) (esr >>> EC_SHIFT) & 0x3F;
    }

    public static int iss(long esr) {
        return (int) esr & ISS_MASK;
    }

    /** HPFAR_EL2 for a faulting IPA: FIPA (IPA bits 51:12) in bits 43:4. */
    public static long hpfar(long ipa) {
        return (ipa >>> 12) << 4;
    }

    /** The faulting IPA from HPFAR_EL2 (page) and FAR_EL2 (offset in the page), as KVM's kvm_vcpu_get_fault_ipa. */
    public static long faultIpa(long hpfar, long far) {
        return ((hpfar & ~0xFL) << 8) | (far & 0xFFF);
    }
}
