package org.polyvisor.arm64.internal.mmu;

import java.nio.ByteOrder;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Ec;
import org.polyvisor.arm64.internal.cpu.Esr;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.decode.Bits;
import org.polyvisor.arm64.internal.decode.Decoder;
import org.polyvisor.arm64.internal.decode.Encoding;
import org.polyvisor.arm64.internal.decode.Op;

/**
 * A stage-2 data abort on a device IPA, taken to EL2 with the syndrome the hardware derives from the faulting
 * instruction (ARM ARM, "ISS encoding for an exception from a Data Abort"): ISV, SAS, SSE, SRT, SF, AR, WnR.
 * Forms without a valid syndrome (pairs, writeback, exclusives) are reported with ISV = 0; the hypervisor decides.
 */
final class DeviceAbort {
    private static final Decoder DECODER = Decoder.a64();

    private DeviceAbort() {
    }

    static void take(DataAccess m, long va, long ipa, int size, boolean write, int fsc) {
        Cpu c = m.cpu;
        long pa = m.fetchPa(c.pc);
        int w = pa < 0 ? 0 : (int) m.memory.read(pa, 4, ByteOrder.LITTLE_ENDIAN);
        Encoding e = DECODER.decode(w);
        int op = e == null ? Op.UNDEF : e.op();
        boolean isv = op == Op.LDST_UIMM || op == Op.LDST_REG || op == Op.LDR_LIT || op == Op.STLR || op == Op.LDAR
                || (op == Op.LDST_IMM9 && Bits.f(w, 11, 10) == 0);
        int iss = (write ? Esr.ISS_WNR : 0) | fsc;
        if (isv) {
            int sizeLog = Integer.numberOfTrailingZeros(size);
            int opc = Bits.f(w, 23, 22);
            boolean sse = !write && (op == Op.LDST_UIMM || op == Op.LDST_IMM9 || op == Op.LDST_REG) && opc >= 2;
            boolean sf = write ? sizeLog == 3 : (sizeLog == 3 || (sse && opc == 2));
            if (op == Op.LDR_LIT) {
                sse = opc == 2;
                sf = opc != 0;
            }
            iss |= Esr.ISS_ISV | (sizeLog << Esr.ISS_SAS_SHIFT) | (sse ? Esr.ISS_SSE : 0)
                    | ((w & 31) << Esr.ISS_SRT_SHIFT) | (sf ? Esr.ISS_SF : 0)
                    | ((op == Op.STLR || op == Op.LDAR) ? Esr.ISS_AR : 0);
        }
        Exceptions.toEl2(c, Ec.DABT_LOW, iss, va, Esr.hpfar(ipa), c.pc);
    }
}
