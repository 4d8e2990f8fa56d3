package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.*;

import java.nio.ByteOrder;

import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.mmu.Mas;

/**
 * KVM's strategy since "Bookehv: Get vcpu's last instruction for emulation" (2014): search the physical TLB for
 * the guest PC with tlbsx semantics (MAS5 = SGS | LPID, MAS6 = PID << 16 | AS), compute the real address from
 * MAS7 || MAS3 and the page size, and read host memory. Uses a scratch MAS file of its own, so the guest's MAS
 * registers (which are the hardware ones while the guest runs) are not clobbered; KVM saves them on exit instead.
 */
public final class TlbSearchLoader implements LastInstLoader {
    private final int[] mas = new int[1024];

    @Override
    public String name() {
        return "tlbsearch";
    }

    @Override
    public InstLoad load(Cpu cpu, int lpid, int[] out) {
        int geaddr = cpu.pc;
        int guestMsr = cpu.spr[SRR1];
        int addrSpace = (guestMsr & Msr.IS) != 0 ? 1 : 0;
        mas[MAS6] = (cpu.spr[PID] << Mas.MAS6_SPID_SHIFT) | addrSpace;
        mas[MAS5] = Mas.MAS5_SGS | lpid;
        cpu.tlbOps.tlbsx(cpu.tlb, mas, geaddr, true);
        int mas1 = mas[MAS1];
        int mas2 = mas[MAS2];
        int mas3 = mas[MAS3];
        long mas7mas3 = ((long) mas[MAS7] << 32) | (mas3 & 0xFFFF_FFFFL);

        // The entry for the guest PC was evicted: return to the guest, it will most likely be there next time.
        if ((mas1 & Mas.MAS1_V) == 0) {
            return InstLoad.EVICTED;
        }
        // Another thread may have rewritten the entry: never execute without execute permission.
        boolean pr = (guestMsr & Msr.PR) != 0;
        if ((pr && (mas3 & Mas.MAS3_UX) == 0) || (!pr && (mas3 & Mas.MAS3_SX) == 0)) {
            return InstLoad.NO_EXECUTE;
        }
        // With MMU v2 (LRAT) the host maps the page cacheable, coherent, write-back: refuse mismatching attributes.
        if (cpu.tlb.mmuV2() && ((mas2 & Mas.MAS2_I) != 0 || (mas2 & Mas.MAS2_W) != 0 || (mas2 & Mas.MAS2_M) == 0)) {
            return InstLoad.ATTRIBUTE_MISMATCH;
        }
        int psizeShift = ((mas1 & Mas.MAS1_TSIZE) >>> 7) + 10;
        long addr = (mas7mas3 & (~0L << psizeShift)) | (geaddr & 0xFFFF_FFFFL & ((1L << psizeShift) - 1));
        // Guard against emulation from device memory.
        if (!cpu.mem.memory().isRam(addr)) {
            return InstLoad.NOT_RAM;
        }
        out[0] = (int) cpu.mem.memory().read(addr, 4, ByteOrder.BIG_ENDIAN);
        return InstLoad.LOADED;
    }
}
