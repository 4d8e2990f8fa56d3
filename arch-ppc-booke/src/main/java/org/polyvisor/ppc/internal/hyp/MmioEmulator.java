package org.polyvisor.ppc.internal.hyp;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.ppc.internal.decode.Decoder;
import org.polyvisor.ppc.internal.decode.Op;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.exec.LoadStore;
import org.polyvisor.spi.Exit;

/**
 * Emulates a guest load/store to a non-RAM guest physical address from the decoded last instruction (KVM
 * kvmppc_emulate_loadstore): the access becomes an {@link Exit.Mmio} with the value as the big-endian CPU sees it
 * (byte-reversed forms are reversed here); update forms write RA; a read completes in {@link #complete}.
 */
public final class MmioEmulator {
    private boolean pendingRead;
    private int pendingRt;
    private int pendingSize;
    private boolean pendingSigned;
    private boolean pendingReversed;

    /** Returns the MMIO exit, or null when the instruction is not an emulatable load/store (EMULATE_FAIL). */
    public Exit.Mmio emulate(Cpu cpu, int inst, long gpa, int ea) {
        int op = Decoder.decode(inst);
        int size = LoadStore.size(op);
        if (size == 0 || op == Op.LWARX
                || op == Op.STWCX_) {
            return null;
        }
        int rt = (inst >>> 21) & 31;
        int ra = (inst >>> 16) & 31;
        boolean store = LoadStore.isStore(op);
        boolean reversed = LoadStore.isByteReversed(op);
        long value = 0;
        if (store) {
            int v = cpu.gpr[rt];
            if (reversed) {
                v = size == 4 ? Integer.reverseBytes(v) : Integer.reverseBytes(v) >>> 16;
            }
            value = size == 4 ? v & 0xFFFF_FFFFL : size == 2 ? v & 0xFFFFL : v & 0xFFL;
        } else {
            pendingRead = true;
            pendingRt = rt;
            pendingSize = size;
            pendingSigned = LoadStore.isSigned(op);
            pendingReversed = reversed;
        }
        if (LoadStore.isUpdate(op)) {
            cpu.gpr[ra] = ea;
        }
        cpu.pc += 4;
        return new Exit.Mmio(GuestPhysicalAddress.of(gpa), size, store, value);
    }

    /** Delivers the device's value for the pending read into its target register. */
    public void complete(Cpu cpu, long value) {
        if (!pendingRead) {
            return;
        }
        pendingRead = false;
        int v = (int) value;
        if (pendingSize == 2) {
            v &= 0xFFFF;
            if (pendingReversed) {
                v = Integer.reverseBytes(v) >>> 16;
            }
            if (pendingSigned) {
                v = (short) v;
            }
        } else if (pendingSize == 1) {
            v &= 0xFF;
        } else if (pendingReversed) {
            v = Integer.reverseBytes(v);
        }
        cpu.gpr[pendingRt] = v;
    }

    public boolean pendingRead() {
        return pendingRead;
    }

    public int pendingRt() {
        return pendingRt;
    }
}
