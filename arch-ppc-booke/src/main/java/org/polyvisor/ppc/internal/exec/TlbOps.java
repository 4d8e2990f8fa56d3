package org.polyvisor.ppc.internal.exec;

import static org.polyvisor.ppc.internal.cpu.SprNum.EPCR;
import static org.polyvisor.ppc.internal.cpu.SprNum.EPCR_DGTMI;

import org.polyvisor.ppc.internal.decode.Op;

/**
 * TLB management instructions on the physical TLB (hypervisor state). In guest state with EPCR[DGTMI]=1 they
 * raise the hypervisor privilege interrupt, and the hypervisor emulates them on the guest TLB (KVM e500mc).
 */
public final class TlbOps {
    private TlbOps() {
    }

    public static void execute(Cpu c, int w, int op) {
        if (!c.requireSupervisor()) {
            return;
        }
        if (c.inGuest() && (op != Op.TLBSYNC) && (c.spr[EPCR] & EPCR_DGTMI) != 0) {
            c.hvPriv();
            return;
        }
        int ra = (w >>> 16) & 31;
        int ea = (ra == 0 ? 0 : c.gpr[ra]) + c.gpr[(w >>> 11) & 31];
        switch (op) {
            case Op.TLBWE -> c.tlbOps.tlbwe(c.tlb, c.spr, true);
            case Op.TLBRE -> c.tlbOps.tlbre(c.tlb, c.spr, true);
            case Op.TLBSX -> c.tlbOps.tlbsx(c.tlb, c.spr, ea, true);
            case Op.TLBIVAX -> c.tlbOps.tlbivax(c.tlb, ea, i -> true);
            case Op.TLBILX -> c.tlbOps.tlbilx(c.tlb, c.spr, (w >>> 21) & 3, ea, i -> true);
            default -> {
                // tlbsync: invalidations are complete when they return
            }
        }
    }
}
