package org.polyvisor.feature.spe.internal;

import org.polyvisor.arm64.spi.SamplingHook;
import org.polyvisor.arm64.spi.SysRegState;

/**
 * Where records go, by the owner of the profiling buffer (MDCR_EL2.E2PB):
 * <ul>
 * <li>EL1&amp;0 (E2PB = 0b1x): written at PMBPTR_EL1 through the guest's own stage 1 and stage 2, as the hardware
 * writes a buffer owned by EL1;</li>
 * <li>EL2 (E2PB = 0b00, the KVM guest configuration): the copy-buffer design of "KVM: arm64: A new approach for SPE
 * support" (2022): records go to a buffer the hypervisor owns (capped per vCPU) and are copied into the guest's
 * buffer, translating its virtual addresses through stage 1 and stage 2, when the hypervisor buffer fills, when the
 * guest's buffer would be full, and before any guest access to PMBPTR/PMBSR or a change of its controls (those
 * accesses trap to the hypervisor, so the guest never sees the buffer out of date).</li>
 * </ul>
 * A full guest buffer sets PMBSR_EL1 to the buffer-full syndrome and raises PMBIRQ; a translation fault sets the
 * stage-1 or stage-2 fault syndrome with PMBPTR_EL1 at the faulting address.
 */
final class BufferOutput {
    /** Default cap of the hypervisor-owned buffer per vCPU. */
    static final int DEFAULT_HYP_BUFFER = 64 * 1024;

    private final SysRegState regs;
    private final SamplingHook hook;
    private final byte[] hyp;
    private int pending;
    /** Statistics for the benchmark and pv:spe: bytes copied into guest buffers and copy operations. */
    long bytesCopied;
    long copies;

    BufferOutput(SysRegState regs, SamplingHook hook) {
        this(regs, hook, DEFAULT_HYP_BUFFER);
    }

    BufferOutput(SysRegState regs, SamplingHook hook, int cap) {
        this.regs = regs;
        this.hook = hook;
        this.hyp = new byte[Math.max(cap, Spe.MAX_RECORD)];
    }

    private boolean hypervisorOwned() {
        return ((regs.raw("MDCR_EL2") >>> Spe.MDCR_E2PB_SHIFT) & 3) == Spe.E2PB_EL2;
    }

    /** Appends one record; false when it did not go out (buffer full or faulted: PMBSR_EL1 now says why). */
    boolean write(byte[] record, int length) {
        long limit = regs.raw("PMBLIMITR_EL1") & Spe.PMBLIMITR_LIMIT_MASK;
        long ptr = regs.raw("PMBPTR_EL1") + pending;
        if (Long.compareUnsigned(ptr + Spe.MAX_RECORD, limit) > 0) {
            if (drain()) {
                service(Spe.EC_BUF, Spe.BSC_FULL);
            }
            return false;
        }
        if (!hypervisorOwned()) {
            return toGuest(record, length);
        }
        System.arraycopy(record, 0, hyp, pending, length);
        pending += length;
        if (hyp.length - pending < Spe.MAX_RECORD) {
            return drain();
        }
        return true;
    }

    /** Copies what the hypervisor buffer holds into the guest's buffer; false when the copy faulted. */
    boolean drain() {
        if (pending == 0) {
            return true;
        }
        int n = pending;
        pending = 0;
        copies++;
        bytesCopied += n;
        return toGuest(hyp, n);
    }

    /** Bytes the hypervisor buffer holds for the guest (not yet copied). */
    int pending() {
        return pending;
    }

    /** Writes bytes at PMBPTR_EL1 through the EL1&amp;0 regime, page by page, and advances PMBPTR_EL1. */
    private boolean toGuest(byte[] src, int length) {
        long ptr = regs.raw("PMBPTR_EL1");
        int done = 0;
        while (done < length) {
            long va = ptr + done;
            int chunk = (int) Math.min(length - done, 0x1000 - (va & 0xFFF));
            long pa = hook.translate(va, true);
            if (pa < 0 || !hook.writePhysical(pa, src, done, chunk)) {
                regs.setRaw("PMBPTR_EL1", va);
                boolean s1 = pa == SamplingHook.FAULT_STAGE1;
                service(s1 ? Spe.EC_FAULT_S1 : Spe.EC_FAULT_S2, s1 ? hook.faultStatus() : 0x07);
                if (done + chunk < length || src == hyp) {
                    regs.setRaw("PMBSR_EL1", regs.raw("PMBSR_EL1") | Spe.PMBSR_DL); // records were lost
                }
                return false;
            }
            done += chunk;
        }
        regs.setRaw("PMBPTR_EL1", ptr + length);
        return true;
    }

    /** Enters the service state: PMBSR_EL1.S with the syndrome, collection stopped, PMBIRQ asserted. */
    private void service(int ec, int mss) {
        regs.setRaw("PMBSR_EL1", Spe.PMBSR_S | (long) ec << Spe.PMBSR_EC_SHIFT | (mss & 0xFFFF));
        hook.arm(0);
        hook.setPpi(Spe.PMBIRQ, true);
    }
}
