package org.polyvisor.arm64.internal.cpu;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.arm64.internal.decode.Bits;
import org.polyvisor.arm64.internal.decode.Encoding;
import org.polyvisor.arm64.internal.decode.Op;
import org.polyvisor.spi.Exit;

/**
 * Exception entry and return for EL1 (the guest kernel) and exits to the modelled EL2 (the hypervisor layer).
 * Everything here is off the per-instruction path.
 */
public final class Exceptions {
    private Exceptions() {
    }

    /**
     * Takes a synchronous exception to EL1: ESR/ELR/SPSR/FAR, PSTATE to EL1h with DAIF masked, PC to the vector.
     *
     * @param preferredReturn the address ELR_EL1 gets (the faulting instruction, or the next one for SVC)
     */
    public static void takeSync(Cpu c, int ec, int iss, long far, long preferredReturn) {
        c.sys[c.iEsr1] = ((long) ec << 26) | (1L << 25) | (iss & 0x1FFFFFFL);
        if (ec == Ec.DABT_CUR || ec == Ec.DABT_LOW || ec == Ec.IABT_CUR || ec == Ec.IABT_LOW || ec == Ec.PC_ALIGN) {
            c.sys[c.iFar1] = far;
        }
        enterEl1(c, preferredReturn, 0);
    }

    /** Common part of exception entry; {@code kind} 0 sync, 1 IRQ, 2 FIQ, 3 SError. */
    static void enterEl1(Cpu c, long preferredReturn, int kind) {
        long vectorBase;
        if (c.el == 0) {
            vectorBase = 0x400;
        } else {
            vectorBase = c.spSel ? 0x200 : 0;
        }
        c.sys[c.iSpsr1] = c.pstate();
        c.sys[c.iElr1] = preferredReturn;
        c.setElSp(1, true);
        c.daif = 0x3C0;
        c.ss = false;
        c.il = false;
        c.pc = c.sys[c.iVbar] + vectorBase + 0x80L * kind;
    }

    /** Takes an IRQ to EL1 at an instruction boundary (the interrupted instruction has not started). */
    public static void takeIrq(Cpu c) {
        enterEl1(c, c.pc, 1);
    }

    /** The UNDEFINED instruction exception for the instruction at pc. */
    public static int undefined(Cpu c) {
        takeSync(c, Ec.UNKNOWN, 0, 0, c.pc);
        return Cpu.EXC;
    }

    /**
     * An exception taken to EL2: records ESR/FAR/HPFAR/ELR_EL2 and leaves an exit for the hypervisor layer. The vCPU's
     * PC is set to {@code resumePc}, where the guest continues if the handler simply resumes.
     */
    public static void toEl2(Cpu c, int ec, int iss, long far, long hpfar, long resumePc) {
        long esr = ((long) ec << 26) | (1L << 25) | (iss & 0x1FFFFFFL);
        c.sys[c.iEsr2] = esr;
        c.sys[c.iFar2] = far;
        c.sys[c.iHpfar2] = hpfar;
        c.sys[c.iElr2] = resumePc;
        c.pc = resumePc;
        // Repeated exits with the same syndrome (an hvc loop, a polled trapped register) reuse the immutable exit
        // object, so the exit path does not allocate.
        Arm64Exit last = c.lastEl2Exit[ec & 63];
        if (last == null || last.esr() != esr || last.far() != far || last.hpfar() != hpfar) {
            last = new Arm64Exit(Ec.name(ec), esr, far, hpfar);
            c.lastEl2Exit[ec & 63] = last;
        }
        c.pendingExit = last;
    }

    /**
     * A stage-2 data abort on a device IPA. The syndrome (ISV, SAS, SSE, SRT, SF, WnR) is derived from the faulting
     * instruction as hardware does; the hypervisor layer's view of it is the framework's {@link Exit.Mmio}. Forms
     * without a valid syndrome (pairs, writeback, exclusives) cannot be emulated and fail the VM, as under KVM.
     */
    static void mmioAbort(Cpu c, long va, long ipa, int size, boolean write, long value) {
        long pa = c.fetchPa(c.pc);
        int w = pa < 0 ? 0 : (int) c.memory.read(pa, 4, java.nio.ByteOrder.LITTLE_ENDIAN);
        Encoding e = c.blocks.decoder().decode(w);
        int op = e == null ? Op.UNDEF : e.op();
        boolean isv = op == Op.LDST_UIMM || op == Op.LDST_REG || op == Op.LDR_LIT || op == Op.STLR || op == Op.LDAR
                || (op == Op.LDST_IMM9 && Bits.f(w, 11, 10) == 0);
        if (!isv) {
            c.pendingExit = new Exit.Failure("device access at IPA 0x" + Long.toHexString(ipa)
                    + " by an instruction without a valid syndrome (word 0x" + Integer.toHexString(w) + " at PC 0x"
                    + Long.toHexString(c.pc) + ")");
            return;
        }
        int sizeLog = Integer.numberOfTrailingZeros(size);
        int opc = Bits.f(w, 23, 22);
        boolean sse = !write && (op == Op.LDST_UIMM || op == Op.LDST_IMM9 || op == Op.LDST_REG) && opc >= 2;
        boolean sf = write ? sizeLog == 3 : (sizeLog == 3 || (sse && opc == 2));
        if (op == Op.LDR_LIT) {
            sse = opc == 2;
            sf = opc != 0;
        }
        int srt = w & 31;
        int iss = (1 << 24) | (sizeLog << 22) | (sse ? 1 << 21 : 0) | (srt << 16) | (sf ? 1 << 15 : 0)
                | ((op == Op.STLR || op == Op.LDAR) ? 1 << 14 : 0) | (write ? 1 << 6 : 0) | 0x07; // DFSC: translation fault, level 3
        toEl2(c, Ec.DABT_LOW, iss, va, (ipa >>> 12) << 4, c.pc);
        MmioAccess m = c.mmio;
        m.pendingRead = !write;
        m.srt = srt;
        m.size = size;
        m.sse = sse;
        m.sf = sf;
        c.pendingExit = new Exit.Mmio(new GuestPhysicalAddress(ipa), size, write, value);
        if (write) {
            c.pc += 4; // the framework performs the write; the instruction is then complete
        }
    }

    /** Completes a trapped device load: the value lands in SRT, sign/zero-extended per SSE and SF. */
    public static void completeMmioRead(Cpu c, long value) {
        MmioAccess m = c.mmio;
        if (!m.pendingRead) {
            return;
        }
        m.pendingRead = false;
        long v = value;
        int bits = m.size * 8;
        if (bits < 64) {
            v = m.sse ? Bits.sext(v, bits) : v & ((1L << bits) - 1);
        }
        if (!m.sf) {
            v &= Cpu.M32;
        }
        if (m.srt != 31) {
            c.x[m.srt] = v;
        }
        c.pc += 4;
    }

    /** ERET from EL1; an illegal return (to EL2/EL3, AArch32 or a reserved mode) sets PSTATE.IL instead. */
    public static int eret(Cpu c) {
        if (c.el == 0) {
            return undefined(c);
        }
        long spsr = c.sys[c.iSpsr1];
        long target = c.sys[c.iElr1];
        int m = (int) spsr & 0x1F;
        int targetEl = (m >>> 2) & 3;
        boolean illegal = (m & 0x10) != 0 || targetEl > c.el || (m & 2) != 0 || (targetEl == 0 && (m & 1) != 0);
        if (illegal) {
            c.setNzcv((int) (spsr >>> 28) & 0xF);
            c.daif = (int) spsr & 0x3C0;
            c.il = true;
        } else {
            c.setPstate(spsr);
        }
        c.exclAddr = -1;
        c.pc = target;
        return Cpu.JUMP;
    }

}
