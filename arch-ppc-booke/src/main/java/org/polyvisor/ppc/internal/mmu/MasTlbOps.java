package org.polyvisor.ppc.internal.mmu;

import static org.polyvisor.ppc.internal.cpu.SprNum.MAS0;
import static org.polyvisor.ppc.internal.cpu.SprNum.MAS1;
import static org.polyvisor.ppc.internal.cpu.SprNum.MAS2;
import static org.polyvisor.ppc.internal.cpu.SprNum.MAS3;
import static org.polyvisor.ppc.internal.cpu.SprNum.MAS4;
import static org.polyvisor.ppc.internal.cpu.SprNum.MAS5;
import static org.polyvisor.ppc.internal.cpu.SprNum.MAS6;
import static org.polyvisor.ppc.internal.cpu.SprNum.MAS7;
import static org.polyvisor.ppc.internal.cpu.SprNum.MAS8;

/**
 * tlbwe / tlbre / tlbsx / tlbivax / tlbilx on a {@link TlbArray} through MAS registers held in an SPR file. The CPU
 * uses it on the physical TLB (hypervisor state: MAS8 and MAS5 take part); the hypervisor uses it on a guest TLB
 * with the guest's MAS registers, so guest-visible results are the same code. Details follow QEMU's booke206
 * helpers (next-victim counter, miss defaults) so that guests print what they print on QEMU.
 */
public final class MasTlbOps {
    /** QEMU's round-robin way hint for TLB0 (env->last_way). */
    private int lastWay;

    /** tlbwe: write the entry MAS0 selects. {@code tagged}: a physical TLB, MAS8 is written too. */
    public int tlbwe(TlbArray t, int[] spr, boolean tagged) {
        int m0 = spr[MAS0];
        int idx = TlbArray.select((m0 & Mas.MAS0_TLBSEL) >>> Mas.MAS0_TLBSEL_SHIFT, (m0 & Mas.MAS0_ESEL) >>> Mas.MAS0_ESEL_SHIFT, spr[MAS2]);
        t.write(idx, spr[MAS1], spr[MAS2], spr[MAS3], spr[MAS7], tagged ? spr[MAS8] : 0);
        return idx;
    }

    /** tlbre: read the entry MAS0 selects into MAS1/2/3/7 (and MAS8 when tagged). */
    public void tlbre(TlbArray t, int[] spr, boolean tagged) {
        int m0 = spr[MAS0];
        int idx = TlbArray.select((m0 & Mas.MAS0_TLBSEL) >>> Mas.MAS0_TLBSEL_SHIFT, (m0 & Mas.MAS0_ESEL) >>> Mas.MAS0_ESEL_SHIFT, spr[MAS2]);
        toMas(t, idx, spr, tagged);
    }

    /** tlbsx: search with MAS6 (SPID, SAS) and, when tagged, MAS5 (SGS, SLPID). Returns the entry or -1. */
    public int tlbsx(TlbArray t, int[] spr, int ea, boolean tagged) {
        int m6 = spr[MAS6];
        int pid = (m6 & Mas.MAS6_SPID) >>> Mas.MAS6_SPID_SHIFT;
        int as = m6 & Mas.MAS6_SAS;
        int m5 = spr[MAS5];
        int idx = t.lookup(ea, as, pid, tagged, m5 < 0, m5 & Mas.MAS5_SLPID & Mas.MAS8_TLPID);
        if (idx >= 0) {
            toMas(t, idx, spr, tagged);
            return idx;
        }
        int m4 = spr[MAS4];
        spr[MAS0] = (m4 & Mas.MAS4_TLBSELD) | (lastWay << 16);
        lastWay = (lastWay + 1) & (TlbArray.TLB0_WAYS - 1);
        spr[MAS0] |= lastWay;
        spr[MAS1] = (m4 & Mas.MAS4_TSIZED) | (as != 0 ? Mas.MAS1_TS : 0) | (pid << 16);
        spr[MAS2] = m4 & Mas.MAS4_WIMGED;
        spr[MAS3] = 0;
        spr[MAS7] = 0;
        return -1;
    }

    private void toMas(TlbArray t, int idx, int[] spr, boolean tagged) {
        int tlbsel = TlbArray.isTlb1(idx) ? 1 : 0;
        int esel = tlbsel == 1 ? idx - TlbArray.TLB1_BASE : idx & (TlbArray.TLB0_WAYS - 1);
        spr[MAS0] = (tlbsel << 28) | (esel << 16) | lastWay;
        spr[MAS1] = t.mas1[idx];
        spr[MAS2] = t.mas2[idx];
        spr[MAS3] = t.mas3[idx];
        spr[MAS7] = t.mas7[idx];
        if (tagged) {
            spr[MAS8] = t.mas8[idx];
        }
    }

    /** tlbivax: EA bit 0x4 invalidates a whole TLB (0x8 selects which), else the entries mapping EA; IPROT survives. */
    public void tlbivax(TlbArray t, int ea, TlbArray.EntryPredicate scope) {
        boolean all = (ea & 4) != 0;
        boolean tlb1 = (ea & 8) != 0;
        t.invalidateWhere(i -> TlbArray.isTlb1(i) == tlb1 && (t.mas1[i] & Mas.MAS1_IPROT) == 0 && scope.test(i)
                && (all || coversAnyContext(t, i, ea)));
    }

    private static boolean coversAnyContext(TlbArray t, int i, int ea) {
        int s = t.shift(i);
        return s >= 32 || ((ea ^ t.mas2[i]) >>> s) == 0;
    }

    /** tlbilx T: 0 all, 1 by PID (MAS6 SPID), 3 by EA + PID + AS; IPROT survives (as QEMU). */
    public void tlbilx(TlbArray t, int[] spr, int type, int ea, TlbArray.EntryPredicate scope) {
        int m6 = spr[MAS6];
        int pid = (m6 & Mas.MAS6_SPID) >>> Mas.MAS6_SPID_SHIFT;
        int as = m6 & 1;
        t.invalidateWhere(i -> {
            if ((t.mas1[i] & Mas.MAS1_IPROT) != 0 || !scope.test(i)) {
                return false;
            }
            int tid = (t.mas1[i] & Mas.MAS1_TID) >>> Mas.MAS1_TID_SHIFT;
            return switch (type) {
                case 0 -> true;
                case 1 -> tid == pid;
                case 3 -> tid == pid && ((t.mas1[i] >>> 12) & 1) == as && coversAnyContext(t, i, ea);
                default -> false;
            };
        });
    }

    /** MMUCSR0 flash invalidate: TLB0FI 0x4, TLB1FI 0x2. */
    public void flashInvalidate(TlbArray t, int mmucsr0, TlbArray.EntryPredicate scope) {
        boolean f0 = (mmucsr0 & 4) != 0;
        boolean f1 = (mmucsr0 & 2) != 0;
        t.invalidateWhere(i -> (TlbArray.isTlb1(i) ? f1 : f0) && (t.mas1[i] & Mas.MAS1_IPROT) == 0 && scope.test(i));
    }

    public int lastWay() {
        return lastWay;
    }

    public void lastWay(int v) {
        lastWay = v & (TlbArray.TLB0_WAYS - 1);
    }
}
