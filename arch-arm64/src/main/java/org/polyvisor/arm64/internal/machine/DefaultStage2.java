package org.polyvisor.arm64.internal.machine;

import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.memory.GuestMemory;

/**
 * Stage 2 when no hypervisor feature supplies one: RAM is mapped 1:1 (IPA = PA), everything else faults, so device
 * accesses reach EL2 as data aborts and become MMIO exits.
 */
public final class DefaultStage2 implements Stage2 {
    private final GuestMemory memory;

    public DefaultStage2(GuestMemory memory) {
        this.memory = memory;
    }

    @Override
    public long translate(long ipa, boolean write, boolean exec) {
        if (!memory.isRam(ipa)) {
            return FAULT;
        }
        if (write && memory.isReadOnly(ipa)) {
            return FAULT;
        }
        return ipa;
    }
}
