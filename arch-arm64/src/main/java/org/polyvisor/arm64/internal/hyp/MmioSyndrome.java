package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Esr;
import org.polyvisor.arm64.internal.decode.Bits;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.StateSnapshot;

/**
 * MMIO emulation from a data abort's syndrome, as KVM's io_mem_abort/decode_hsr and kvm_handle_mmio_return do it:
 * the access comes from ESR_EL2 (ISV, SAS, SSE, SRT, SF, WnR) and HPFAR_EL2/FAR_EL2, never from the instruction.
 * This is the only reader of the data-abort syndrome; the PE ({@code mmu.DeviceAbort}) only writes it.
 * An abort without a valid syndrome (ISV = 0: pairs, writeback forms, exclusives) cannot be emulated and fails the VM
 * with a message saying so.
 */
public final class MmioSyndrome {
    private final int iEsr2;
    private final int iFar2;
    private final int iHpfar2;
    private boolean pendingRead;
    private int srt;
    private int size;
    private boolean sse;
    private boolean sf;

    public MmioSyndrome(Cpu cpu) {
        iEsr2 = cpu.regs.index("ESR_EL2");
        iFar2 = cpu.regs.index("FAR_EL2");
        iHpfar2 = cpu.regs.index("HPFAR_EL2");
    }

    /** Turns the stage-2 abort just taken into the framework's MMIO exit; {@code elr} is the faulting PC. */
    public Exit decode(Cpu c, long elr) {
        long esr = c.sys[iEsr2];
        int iss = Esr.iss(esr);
        long ipa = Esr.faultIpa(c.sys[iHpfar2], c.sys[iFar2]);
        if ((iss & Esr.ISS_ISV) == 0) {
            return new Exit.Failure("data abort on device IPA 0x" + Long.toHexString(ipa) + " at PC 0x"
                    + Long.toHexString(elr) + " by an instruction without a valid syndrome (ISV=0, ESR_EL2=0x"
                    + Long.toHexString(esr) + "): the access cannot be emulated");
        }
        size = 1 << ((iss >>> Esr.ISS_SAS_SHIFT) & 3);
        sse = (iss & Esr.ISS_SSE) != 0;
        srt = (iss >>> Esr.ISS_SRT_SHIFT) & 31;
        sf = (iss & Esr.ISS_SF) != 0;
        boolean write = (iss & Esr.ISS_WNR) != 0;
        if (write) {
            long v = srt == 31 ? 0 : c.x[srt];
            if (size < 8) {
                v &= (1L << (size * 8)) - 1;
            }
            c.pc = elr + 4; // the framework performs the store before the next run: the instruction is complete
            pendingRead = false;
            return new Exit.Mmio(new GuestPhysicalAddress(ipa), size, true, v);
        }
        c.pc = elr;
        pendingRead = true;
        return new Exit.Mmio(new GuestPhysicalAddress(ipa), size, false, 0);
    }

    /** kvm_handle_mmio_return: the loaded value lands in SRT, sign-extended per SSE, truncated per SF. */
    public void completeRead(Cpu c, long value) {
        if (!pendingRead) {
            return;
        }
        pendingRead = false;
        long v = value;
        int bits = size * 8;
        if (bits < 64) {
            v = sse ? Bits.sext(v, bits) : v & ((1L << bits) - 1);
        }
        if (!sf) {
            v &= Cpu.M32;
        }
        if (srt != 31) {
            c.x[srt] = v;
        }
        c.pc += 4;
    }

    public boolean pendingRead() {
        return pendingRead;
    }

    public void export(StateSnapshot.Builder b) {
        b.flag("mmio.pendingRead", pendingRead).value("mmio.srt", srt).value("mmio.size", size).flag("mmio.sse", sse)
                .flag("mmio.sf", sf);
    }

    public void importFrom(StateSnapshot s) {
        pendingRead = s.value("mmio.pendingRead", 0) != 0;
        srt = (int) s.value("mmio.srt", 0);
        size = (int) s.value("mmio.size", 1);
        sse = s.value("mmio.sse", 0) != 0;
        sf = s.value("mmio.sf", 0) != 0;
    }
}
