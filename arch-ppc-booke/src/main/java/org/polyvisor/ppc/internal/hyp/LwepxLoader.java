package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.*;

import java.nio.ByteOrder;

import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.mmu.DataAccess;

/**
 * The older strategy that KVM's "Bookehv: Get vcpu's last instruction for emulation" (2014) replaced: an
 * external-PID load (lwepx) of the guest PC with EPLC = EGS | ELPID, EAS from SRR1[IS], EPR from SRR1[PR],
 * EPID = the guest PID. lwepx is a data load, so it needs read permission:
 * an execute-only guest page makes it fail where the TLB search succeeds, and it does not look at execute
 * permission at all (a page readable but not executable loads). Its faults are handled here (which the old KVM code
 * did not do): a TLB miss means the entry was evicted, a storage fault is {@link InstLoad#LWEPX_FAULT}.
 */
public final class LwepxLoader implements LastInstLoader {
    @Override
    public String name() {
        return "lwepx";
    }

    @Override
    public InstLoad load(Cpu cpu, int lpid, int[] out) {
        int srr1 = cpu.spr[SRR1];
        int eplc = EPC_EGS | (lpid << 16) | (cpu.spr[PID] & EPC_EPID);
        if ((srr1 & Msr.IS) != 0) {
            eplc |= EPC_EAS;
        }
        if ((srr1 & Msr.PR) != 0) {
            eplc |= EPC_EPR;
        }
        long ra = cpu.mem.translateExternal(cpu.pc, DataAccess.READ, eplc);
        if (ra == -1) {
            return InstLoad.EVICTED;
        }
        if (ra < 0) {
            return InstLoad.LWEPX_FAULT;
        }
        if (!cpu.mem.memory().isRam(ra)) {
            return InstLoad.NOT_RAM;
        }
        out[0] = (int) cpu.mem.memory().read(ra, 4, ByteOrder.BIG_ENDIAN);
        return InstLoad.LOADED;
    }
}
