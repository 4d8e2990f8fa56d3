package org.polyvisor.arm64.internal.mmu;

import java.nio.ByteOrder;

import org.polyvisor.arm64.internal.cpu.Cpu;

/**
 * The stage-1 translation table walk of the EL1&0 regime (VMSAv8-64: 4K, 16K and 64K granules, 48-bit VAs,
 * block and page descriptors, hierarchical APTable/XNTable, AP/UXN/PXN, access flag) followed by the stage-2 hook.
 * Runs only on a TLB miss; a successful walk refills the TLB for the current EL.
 */
final class Stage1Walk {
    /** Translation failed; {@link #faultStatus} holds the FSC (and the exception has not been taken yet). */
    static final long FAULT = -2;
    /** Stage 2 says the IPA is a device: the access becomes an MMIO exit; {@link #faultIpa} holds the IPA. */
    static final long DEVICE = -3;
    /** Stage 2 faulted and wants the hypervisor layer to see it (Stage2.exitOnFault); {@link #faultIpa} holds the IPA. */
    static final long STAGE2_EXIT = -4;

    private static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;
    /** Block/page descriptor AF, the access flag (ARM ARM, "Block descriptor and Page descriptor formats"). */
    private static final long DESC_AF = 1L << 10;

    private final DataAccess m;
    private final Cpu c;
    private final int iMmfr0;
    int faultStatus;
    long faultIpa;
    /** The IPA stage 1 produced in the last walk (AT S1E1*, S1E0* report it, not the PA). */
    long lastIpa;
    /** The stage-2 fault of the last walk happened while reading a stage-1 descriptor (ESR ISS.S1PTW). */
    boolean s1ptw;
    int faultLevel;
    /** Attributes of the last successful walk, for PAR_EL1 (AT instructions). */
    int lastAttrIndex;
    int lastShareability;

    Stage1Walk(DataAccess m) {
        this.m = m;
        this.c = m.cpu;
        this.iMmfr0 = c.regs.index("ID_AA64MMFR0_EL1");
    }

    /**
     * Translates va for an access; returns the PA, {@link #FAULT} or {@link #DEVICE}.
     *
     * @param unpriv check EL0 permissions even at EL1 (LDTR/STTR, AT S1E0*) and do not fill the TLB
     */
    long translate(long va, int acc, boolean unpriv) {
        return translate(va, acc, unpriv, true);
    }

    long translate(long va, int acc, boolean unpriv, boolean fill) {
        long sctlr = c.sctlr();
        boolean el0Perms = c.el == 0 || unpriv;
        long ipa;
        boolean r;
        boolean w;
        boolean x;
        s1ptw = false;
        if ((sctlr & 1) == 0) {
            // beyond the PE's PA range (ID_AA64MMFR0_EL1.PARange; 44 bits on a Cortex-A57): address size fault, level 0
            if ((va >>> Stage2Walk.paBits((int) c.sys[iMmfr0] & 0xF)) != 0) {
                faultStatus = 0x00;
                return FAULT;
            }
            ipa = va;
            r = w = x = true;
            lastAttrIndex = 0;
            lastShareability = 0;
        } else {
            long tcr = c.sys[c.iTcr];
            boolean upper = ((va >>> 55) & 1) != 0;
            boolean tbi = upper ? ((tcr >>> 38) & 1) != 0 : ((tcr >>> 37) & 1) != 0;
            int tsz = (int) (upper ? (tcr >>> 16) & 0x3F : tcr & 0x3F);
            tsz = Math.max(16, Math.min(39, tsz));
            int tg = (int) (upper ? (tcr >>> 30) & 3 : (tcr >>> 14) & 3);
            int granuleBits = upper ? switch (tg) { case 1 -> 14; case 3 -> 16; default -> 12; }
                    : switch (tg) { case 1 -> 16; case 2 -> 14; default -> 12; };
            boolean epd = upper ? ((tcr >>> 23) & 1) != 0 : ((tcr >>> 7) & 1) != 0;
            int inputSize = 64 - tsz;
            long top = tbi ? (va << 8) >> (inputSize + 8) : va >> inputSize;
            if (top != (upper ? -1L : 0L) || epd) {
                faultStatus = 0x04; // translation fault, level 0
                faultLevel = 0;
                return FAULT;
            }
            int stride = granuleBits - 3;
            int level = 4 - (inputSize - granuleBits + stride - 1) / stride;
            long table = (upper ? c.sys[c.iTtbr1] : c.sys[c.iTtbr0]) & 0x0000_FFFF_FFFF_FFFEL;
            boolean apTableNoEl0 = false;
            boolean apTableRo = false;
            boolean xnTable = false;
            boolean pxnTable = false;
            long desc;
            int shift;
            while (true) {
                shift = granuleBits + (3 - level) * stride;
                int bitsHere = Math.min(stride, inputSize - shift);
                long index = (va >>> shift) & ((1L << bitsHere) - 1);
                long descIpa = table + index * 8;
                long descPa = m.stage2(descIpa, DataAccess.ACC_R);
                if (descPa < 0) {
                    if (m.s2Walked) {
                        // a stage-2 fault on the stage-1 walk goes to EL2 with S1PTW and the descriptor's IPA
                        faultIpa = descIpa;
                        faultStatus = m.s2Fsc;
                        s1ptw = true;
                        return STAGE2_EXIT;
                    }
                    faultStatus = 0x14 + level; // synchronous external abort on a translation table walk
                    faultLevel = level;
                    return FAULT;
                }
                desc = m.memory.read(descPa, 8, ByteOrder.LITTLE_ENDIAN);
                if ((desc & 1) == 0) {
                    return fault(0x04, level);
                }
                boolean tableOrPage = (desc & 2) != 0;
                if (level == 3) {
                    if (!tableOrPage) {
                        return fault(0x04, level);
                    }
                    break;
                }
                if (!tableOrPage) {
                    boolean blockOk = granuleBits == 12 ? (level == 1 || level == 2) : level == 2;
                    if (!blockOk) {
                        return fault(0x04, level);
                    }
                    break;
                }
                apTableNoEl0 |= ((desc >>> 61) & 1) != 0;
                apTableRo |= ((desc >>> 62) & 1) != 0;
                xnTable |= ((desc >>> 60) & 1) != 0;
                pxnTable |= ((desc >>> 59) & 1) != 0;
                table = desc & OA_MASK & ~((1L << granuleBits) - 1);
                level++;
            }
            if ((desc & DESC_AF) == 0) {
                return fault(0x08, level); // access flag fault
            }
            long blockMask = (1L << shift) - 1;
            ipa = (desc & OA_MASK & ~blockMask) | (va & blockMask);
            int ap = (int) (desc >>> 6) & 3;
            boolean el0Access = (ap & 1) != 0 && !apTableNoEl0;
            boolean writable = (ap & 2) == 0 && !apTableRo;
            boolean uxn = ((desc >>> 54) & 1) != 0 || xnTable;
            boolean pxn = ((desc >>> 53) & 1) != 0 || pxnTable;
            boolean wxn = ((sctlr >>> 19) & 1) != 0;
            lastAttrIndex = (int) (desc >>> 2) & 7;
            lastShareability = (int) (desc >>> 8) & 3;
            if (el0Perms) {
                r = el0Access;
                w = el0Access && writable;
                x = !uxn && !(wxn && w);
            } else {
                r = true;
                w = writable;
                // EL0-writable memory is never executable at EL1
                x = !pxn && !(el0Access && writable) && !(wxn && w);
            }
            boolean allowed = acc == DataAccess.ACC_R ? r : acc == DataAccess.ACC_W ? w : x;
            if (!allowed) {
                return fault(0x0C, level);
            }
        }
        lastIpa = ipa;
        long pa = m.stage2(ipa, acc);
        if (pa < 0) {
            faultIpa = ipa;
            if (m.s2Walked) {
                // the hypervisor decides from the syndrome: MMIO for a device, map on fault, or inject an abort
                faultStatus = m.s2Fsc;
                return m.isDevice.test(ipa) && acc != DataAccess.ACC_X ? DEVICE : STAGE2_EXIT;
            }
            if (m.isDevice.test(ipa) && acc != DataAccess.ACC_X) {
                faultStatus = 0x07; // as reported in the exit: translation fault, level 3
                return DEVICE;
            }
            if (m.stage2.exitOnFault(ipa)) {
                faultStatus = 0x07; // as reported in the exit: translation fault, level 3
                return STAGE2_EXIT;
            }
            faultStatus = 0x10; // synchronous external abort
            faultLevel = 0;
            return FAULT;
        }
        if (fill && !unpriv) {
            m.tlbInstall(va, pa, r, w, x);
        }
        return pa;
    }

    private long fault(int base, int level) {
        faultStatus = base + level;
        faultLevel = level;
        return FAULT;
    }
}
