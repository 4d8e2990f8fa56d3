package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.GuestVirtualAddress;
import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.internal.mmu.DataAccess;
import org.polyvisor.spi.AccessType;
import org.polyvisor.spi.FaultKind;
import org.polyvisor.spi.Mmu;
import org.polyvisor.spi.Translation;

/**
 * The framework's view of a vCPU's guest translation (pv:translate, debuggers): a complete stage-1 (and stage-2) walk
 * with the guest's registers, without filling the TLB or taking a fault. Slow path only.
 */
final class GuestMmu implements Mmu {
    private final Core core;
    private final WorldSwitch sw;

    GuestMmu(Core core, WorldSwitch sw) {
        this.core = core;
        this.sw = sw;
    }

    @Override
    public Translation translate(GuestVirtualAddress address, AccessType access, boolean privileged) {
        int acc = access == AccessType.READ ? DataAccess.ACC_R
                : access == AccessType.WRITE ? DataAccess.ACC_W : DataAccess.ACC_X;
        long[] res = new long[2];
        sw.withGuestView(() -> {
            res[0] = core.mem.probe(address.value(), acc, !privileged);
            res[1] = core.mem.probeFaultStatus();
        });
        long p = res[0];
        if (p >= 0) {
            return new Translation.Mapped(new GuestPhysicalAddress(p), 4096);
        }
        int fsc = (int) res[1];
        FaultKind k = switch (fsc & 0x3C) {
            case 0x00 -> FaultKind.ADDRESS_SIZE;
            case 0x04 -> FaultKind.TRANSLATION;
            case 0x08 -> FaultKind.ACCESS_FLAG;
            case 0x0C -> FaultKind.PERMISSION;
            default -> FaultKind.EXTERNAL;
        };
        return new Translation.Fault(k, fsc & 3, "FSC 0x" + Integer.toHexString(fsc));
    }
}
