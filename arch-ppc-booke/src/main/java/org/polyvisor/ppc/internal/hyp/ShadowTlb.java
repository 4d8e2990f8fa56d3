package org.polyvisor.ppc.internal.hyp;

import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.mmu.Mas;
import org.polyvisor.ppc.internal.mmu.TlbArray;

/**
 * Installs shadow entries for guest mappings in the physical TLB (KVM e500_mmu_host.c): tagged TGS=1, TLPID=lpid,
 * with the guest's TID, TS, permissions and WIMGE (M forced, as on SMP hosts) and the real address of the guest
 * page. A guest TLB1 mapping that is wholly RAM gets a TLB1 shadow of the same size (KVM's "tlbcam" use of host
 * TLB1); anything else is shadowed 4 KiB at a time in TLB0, round robin per set. Host and guest physical
 * addresses coincide in this model (one memory per VM, slots at their guest physical addresses), so the real
 * address is the guest physical address after checking that a slot covers it.
 */
public final class ShadowTlb {
    /** Physical TLB1 entries below this index are left to the host (none used: the hypervisor is Java). */
    static final int TLB1_SHADOW_FIRST = 32;

    private final Cpu cpu;
    private final GuestMemory memory;
    private final int lpid;
    private final int[] tlb0Victim = new int[TlbArray.TLB0_SETS];
    private int tlb1Next;
    long installs;

    public ShadowTlb(Cpu cpu, GuestMemory memory, int lpid) {
        this.cpu = cpu;
        this.memory = memory;
        this.lpid = lpid;
    }

    /** Shadows guest entry gidx for the access at ea (whose guest physical address is RAM). */
    public void map(TlbArray g, int gidx, int ea) {
        installs++;
        TlbArray phys = cpu.tlb;
        int m1 = g.mas1[gidx];
        int attrs = (g.mas2[gidx] & 0x1F) | Mas.MAS2_M;
        int perms = g.mas3[gidx] & (Mas.MAS3_PERMS | Mas.MAS3_U);
        int tag = Mas.MAS8_TGS | lpid;
        long size = g.pageBytes(gidx);
        long gpa = g.realAddress(gidx, ea);
        if (TlbArray.isTlb1(gidx) && size > 4096) {
            long base = gpa & ~(size - 1);
            if (allRam(base, size)) {
                int idx = TlbArray.TLB1_BASE + TLB1_SHADOW_FIRST + tlb1Next;
                tlb1Next = (tlb1Next + 1) % (TlbArray.TLB1_ENTRIES - TLB1_SHADOW_FIRST);
                phys.write(idx, Mas.MAS1_V | (m1 & (Mas.MAS1_TID | Mas.MAS1_TS | Mas.MAS1_TSIZE)),
                        (int) g.epnBase(gidx) | attrs, (int) (base & 0xFFFF_F000L) | perms, (int) (base >>> 32), tag);
                return;
            }
        }
        long page = gpa & ~0xFFFL;
        int set = (ea >>> 12) & (TlbArray.TLB0_SETS - 1);
        int way = tlb0Victim[set];
        tlb0Victim[set] = (way + 1) & (TlbArray.TLB0_WAYS - 1);
        phys.write(set * TlbArray.TLB0_WAYS + way, Mas.MAS1_V | (m1 & (Mas.MAS1_TID | Mas.MAS1_TS)) | Mas.MAS1_TSIZE_4K,
                (ea & 0xFFFF_F000) | attrs, (int) (page & 0xFFFF_F000L) | perms, (int) (page >>> 32), tag);
    }

    private boolean allRam(long base, long size) {
        for (long a = base; a < base + size; a += GuestMemory.CHUNK_SIZE) {
            if (!memory.isRam(a)) {
                return false;
            }
        }
        return true;
    }

    private boolean ours(TlbArray phys, int i) {
        return phys.mas8[i] < 0 && (phys.mas8[i] & Mas.MAS8_TLPID) == lpid;
    }

    /** Drops the shadows of this partition that overlap [base, base + size) (guest tlbwe over an entry). */
    public void invalidateRange(long base, long size) {
        TlbArray phys = cpu.tlb;
        phys.invalidateWhere(i -> ours(phys, i) && phys.epnBase(i) < base + size && base < phys.epnBase(i) + phys.pageBytes(i));
    }

    /** Drops every shadow of this partition (guest tlbivax / tlbilx / flash invalidate). */
    public void invalidateAll() {
        TlbArray phys = cpu.tlb;
        phys.invalidateWhere(i -> ours(phys, i));
    }

    /** Test hook: evicts the shadow that translates ea (forcing EMULATE_AGAIN in the last-instruction load). */
    public void evict(int ea) {
        TlbArray phys = cpu.tlb;
        phys.invalidateWhere(i -> ours(phys, i) && ((ea & 0xFFFF_FFFFL) - phys.epnBase(i)) >= 0
                && ((ea & 0xFFFF_FFFFL) - phys.epnBase(i)) < phys.pageBytes(i));
    }
}
