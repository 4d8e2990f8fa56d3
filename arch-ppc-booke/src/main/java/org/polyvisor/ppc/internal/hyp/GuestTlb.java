package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.*;

import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.mmu.Mas;
import org.polyvisor.ppc.internal.mmu.MasTlbOps;
import org.polyvisor.ppc.internal.mmu.TlbArray;

/**
 * The per-vCPU guest TLB (KVM e500_mmu.c): the guest's tlbwe/tlbre/tlbsx/tlbivax/tlbilx trap (EPCR[DGTMI]) and
 * are applied here with the guest's MAS registers; shadows of changed entries are dropped from the physical TLB.
 * Same geometry as the hardware (TLB0CFG/TLB1CFG say so to the guest).
 */
public final class GuestTlb {
    final TlbArray tlb;
    final MasTlbOps ops = new MasTlbOps();
    private final ShadowTlb shadow;

    public GuestTlb(boolean mmuV2, ShadowTlb shadow) {
        this.tlb = new TlbArray(mmuV2);
        this.shadow = shadow;
    }

    public TlbArray entries() {
        return tlb;
    }

    public MasTlbOps ops() {
        return ops;
    }

    public void tlbwe(Cpu cpu) {
        int m0 = cpu.spr[MAS0];
        int idx = TlbArray.select((m0 & Mas.MAS0_TLBSEL) >>> Mas.MAS0_TLBSEL_SHIFT, (m0 & Mas.MAS0_ESEL) >>> Mas.MAS0_ESEL_SHIFT, cpu.spr[MAS2]);
        if (tlb.mas1[idx] < 0) {
            shadow.invalidateRange(tlb.epnBase(idx), tlb.pageBytes(idx));
        }
        ops.tlbwe(tlb, cpu.spr, false);
        if (tlb.mas1[idx] < 0) {
            // a stale shadow of some other guest entry may cover the new range
            shadow.invalidateRange(tlb.epnBase(idx), tlb.pageBytes(idx));
        }
    }

    public void tlbre(Cpu cpu) {
        ops.tlbre(tlb, cpu.spr, false);
    }

    public void tlbsx(Cpu cpu, int ea) {
        ops.tlbsx(tlb, cpu.spr, ea, false);
    }

    public void tlbivax(int ea) {
        ops.tlbivax(tlb, ea, i -> true);
        shadow.invalidateAll();
    }

    public void tlbilx(Cpu cpu, int type, int ea) {
        ops.tlbilx(tlb, cpu.spr, type, ea, i -> true);
        shadow.invalidateAll();
    }

    public void flashInvalidate(int mmucsr0) {
        ops.flashInvalidate(tlb, mmucsr0, i -> true);
        shadow.invalidateAll();
    }

    public int lookup(int ea, int as, int pid) {
        return tlb.lookup(ea, as, pid, false, false, 0);
    }

    /**
     * Sets the guest's MAS registers for a TLB miss it is about to take (KVM kvmppc_e500_deliver_tlb_miss, with
     * QEMU's next-victim counter): defaults from MAS4, the missing EPN, PID and address space.
     */
    public void deliverMissMas(Cpu cpu, int ea, int as) {
        int[] spr = cpu.spr;
        int mas4 = spr[MAS4];
        int pid = spr[PID] & 0x3FFF;
        int way = ops.lastWay();
        ops.lastWay(way + 1);
        spr[MAS0] = (mas4 & Mas.MAS4_TLBSELD) | (way << 16) | ops.lastWay();
        spr[MAS1] = Mas.MAS1_V | (as != 0 ? Mas.MAS1_TS : 0) | (pid << 16) | (mas4 & Mas.MAS4_TSIZED);
        spr[MAS2] = (ea & Mas.MAS2_EPN) | (mas4 & Mas.MAS4_WIMGED);
        spr[MAS3] &= Mas.MAS3_U;
        spr[MAS6] = (pid << 16) | as;
        spr[MAS7] = 0;
    }
}
