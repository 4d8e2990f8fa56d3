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
 * With {@link Design#PIN} the hypervisor-owned case follows the earlier proposal the 2022 mail argues against
 * instead: when the guest enables its buffer, the buffer's pages are translated once (guest VA to IPA through its
 * stage 1) and pinned at stage 2, and records are written straight to those IPAs; a guest that remaps its buffer while
 * profiling is off (allowed by the architecture) has its records written to the stale IPAs.
 * A full guest buffer sets PMBSR_EL1 to the buffer-full syndrome and raises PMBIRQ; a translation fault sets the
 * stage-1 or stage-2 fault syndrome with PMBPTR_EL1 at the faulting address.
 */
final class BufferOutput {
    /** How a hypervisor-owned buffer reaches the guest. */
    enum Design {
        /** Records go to the hypervisor's buffer and are copied to the guest's (the 2022 series). */
        COPY,
        /** The guest buffer's IPAs are pinned when it is enabled and written directly. */
        PIN
    }

    /** Default cap of the hypervisor-owned buffer per vCPU. */
    static final int DEFAULT_HYP_BUFFER = 64 * 1024;

    private final SysRegState regs;
    private final SamplingHook hook;
    private final Design design;
    private final SpeStats stats;
    private final byte[] hyp;
    /** Register slots, resolved once (the sampling path reads them per record). */
    private final int mdcr;
    private final int limitSlot;
    private final int ptrSlot;
    /** PIN: the buffer's first page VA and the physical address pinned for each page (-1: did not translate). */
    private long pinnedBase;
    private long[] pinned = new long[0];
    /** PIN statistics: pages translated and pinned over time. */
    long pagesPinned;
    private int pending;
    /** Statistics for the benchmark and pv:spe: bytes copied into guest buffers and copy operations. */
    long bytesCopied;
    long copies;

    BufferOutput(SysRegState regs, SamplingHook hook, Design design, SpeStats stats) {
        this(regs, hook, design, stats, DEFAULT_HYP_BUFFER);
    }

    BufferOutput(SysRegState regs, SamplingHook hook, Design design, SpeStats stats, int cap) {
        this.regs = regs;
        this.hook = hook;
        this.design = design;
        this.stats = stats;
        this.mdcr = regs.slot("MDCR_EL2");
        this.limitSlot = regs.slot("PMBLIMITR_EL1");
        this.ptrSlot = regs.slot("PMBPTR_EL1");
        this.hyp = new byte[Math.max(cap, Spe.MAX_RECORD)];
    }

    private boolean hypervisorOwned() {
        return ((regs.rawAt(mdcr) >>> Spe.MDCR_E2PB_SHIFT) & 3) == Spe.E2PB_EL2;
    }

    /** Appends one record; false when it did not go out (buffer full or faulted: PMBSR_EL1 now says why). */
    boolean write(byte[] record, int length) {
        long limit = regs.rawAt(limitSlot) & Spe.PMBLIMITR_LIMIT_MASK;
        long ptr = regs.rawAt(ptrSlot) + pending;
        if (Long.compareUnsigned(ptr + Spe.MAX_RECORD, limit) > 0) {
            if (drain()) {
                service(Spe.EC_BUF, Spe.BSC_FULL);
            }
            return false;
        }
        if (!hypervisorOwned()) {
            return toGuest(record, length);
        }
        if (design == Design.PIN) {
            return toPinned(record, length);
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
        stats.copies.increment();
        stats.bytesCopied.add(n);
        return toGuest(hyp, n);
    }

    /**
     * PIN: the guest programmed or enabled its buffer (a trapped PMBPTR/PMBLIMITR write): translate and pin every page
     * of [PMBPTR, LIMIT) now, as the pinning design does; nothing is translated again until the next such write.
     */
    void reconfigured() {
        long lim = regs.raw("PMBLIMITR_EL1");
        if (design != Design.PIN || !hypervisorOwned() || (lim & Spe.PMBLIMITR_E) == 0) {
            return;
        }
        long base = regs.raw("PMBPTR_EL1") & ~0xFFFL;
        int pages = (int) Math.max(0, ((lim & Spe.PMBLIMITR_LIMIT_MASK) - base) >>> 12);
        pinned = new long[pages];
        pinnedBase = base;
        for (int i = 0; i < pages; i++) {
            pinned[i] = hook.translate(base + ((long) i << 12), true);
        }
        pagesPinned += pages;
        stats.pagesPinned.add(pages);
    }

    /** PIN: writes at PMBPTR_EL1 to the IPAs pinned when the buffer was enabled. */
    private boolean toPinned(byte[] src, int length) {
        long ptr = regs.rawAt(ptrSlot);
        int done = 0;
        while (done < length) {
            long va = ptr + done;
            int chunk = (int) Math.min(length - done, 0x1000 - (va & 0xFFF));
            long page = (va - pinnedBase) >>> 12;
            long pa = page < pinned.length ? pinned[(int) page] : SamplingHook.FAULT_STAGE1;
            if (pa < 0 || !hook.writePhysical(pa | (va & 0xFFF), src, done, chunk)) {
                regs.setRaw("PMBPTR_EL1", va);
                service(Spe.EC_FAULT_S2, 0x07); // an unpinned page: KVM would report a stage-2 fault
                return false;
            }
            done += chunk;
        }
        regs.setRawAt(ptrSlot, ptr + length);
        return true;
    }

    /** Bytes the hypervisor buffer holds for the guest (not yet copied). */
    int pending() {
        return pending;
    }

    /** Writes bytes at PMBPTR_EL1 through the EL1&amp;0 regime, page by page, and advances PMBPTR_EL1. */
    private boolean toGuest(byte[] src, int length) {
        long ptr = regs.rawAt(ptrSlot);
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
        regs.setRawAt(ptrSlot, ptr + length);
        return true;
    }

    /** Enters the service state: PMBSR_EL1.S with the syndrome, collection stopped, PMBIRQ asserted. */
    private void service(int ec, int mss) {
        regs.setRaw("PMBSR_EL1", Spe.PMBSR_S | (long) ec << Spe.PMBSR_EC_SHIFT | (mss & 0xFFFF));
        hook.arm(0);
        hook.setPpi(Spe.PMBIRQ, true);
    }
}
