package org.polyvisor.ppc.internal.hyp;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.GuestVirtualAddress;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.cpu.SprNum;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.mmu.DataAccess;
import org.polyvisor.spi.AccessType;
import org.polyvisor.spi.FaultKind;
import org.polyvisor.spi.Mmu;
import org.polyvisor.spi.Translation;

/** The guest's translation as the guest defines it: its own TLB, its PID and MSR[IS/DS] (diagnostics, tools). */
final class PpcMmu implements Mmu {
    private final Cpu cpu;
    private final GuestTlb guestTlb;

    PpcMmu(Cpu cpu, GuestTlb guestTlb) {
        this.cpu = cpu;
        this.guestTlb = guestTlb;
    }

    @Override
    public Translation translate(GuestVirtualAddress address, AccessType access, boolean privileged) {
        int ea = (int) address.value();
        int as = access == AccessType.EXECUTE ? (cpu.msr & Msr.IS) >>> 5 : (cpu.msr & Msr.DS) >>> 4;
        int idx = guestTlb.lookup(ea, as, cpu.spr[SprNum.PID]);
        if (idx < 0) {
            return new Translation.Fault(FaultKind.TRANSLATION, 0, "no guest TLB entry for EA 0x"
                    + Integer.toHexString(ea) + " (AS " + as + ")");
        }
        int kind = switch (access) {
            case READ -> DataAccess.READ;
            case WRITE -> DataAccess.WRITE;
            case EXECUTE -> DataAccess.EXEC;
        };
        if ((guestTlb.entries().mas3[idx] & DataAccess.permission(kind, !privileged)) == 0) {
            return new Translation.Fault(FaultKind.PERMISSION, 0, "guest TLB entry " + idx + " forbids " + access);
        }
        return new Translation.Mapped(GuestPhysicalAddress.of(guestTlb.entries().realAddress(idx, ea)),
                guestTlb.entries().pageBytes(idx));
    }
}
