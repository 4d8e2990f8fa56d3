package org.polyvisor.arm64.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.sysreg.SysRegFile;
import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.internal.hyp.DefaultStage2;
import org.polyvisor.arm64.internal.hyp.GuestClockCounter;
import org.polyvisor.arm64.internal.hyp.HostMachine;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.GuestClock;

/**
 * TLB entries tagged with the VMID: two VMs' translations live side by side on one PE, a VM finds its entries again
 * after the other ran, and TLBI VMALLS12E1IS drops one VMID's entries on every PE of the host (on another PE before
 * it next enters a guest, which is nudged out of the guest).
 */
class VmidTlbTest {
    private static final long RAM = 0x4000_0000L;
    private static final long DATA = RAM + 0x2000;

    private static GuestMemory vmMemory(long value) {
        GuestMemory m = new GuestMemory();
        m.addSlot(0, new GuestPhysicalAddress(RAM), 1 << 20, false);
        m.write(DATA, 8, value, ByteOrder.LITTLE_ENDIAN);
        return m;
    }

    private static Core pe(HostMachine host) {
        Core core = new Core(host.memory(), host.domain(), ipa -> false, SysRegFile.cortexA57(),
                new GuestClockCounter(GuestClock.HOST));
        core.cpu.sys[core.cpu.regs.index("VTCR_EL2")] = host.defaultGeometry().vtcr();
        return core;
    }

    /** __load_stage2 for a VM, then a load at DATA (MMU off: VA = IPA); returns the value read. */
    private static long enterAndRead(Core core, DefaultStage2 vm) {
        core.cpu.sys[core.cpu.regs.index("VTTBR_EL2")] = vm.vttbr();
        core.mem.guestEntered();
        return core.mem.read64(DATA);
    }

    @Test
    void twoVmsShareAPeWithTaggedEntriesAndTlbiActsOnOneVmid() {
        try (HostMachine host = new HostMachine();
             GuestMemory m1 = vmMemory(0x1111);
             GuestMemory m2 = vmMemory(0x2222)) {
            DefaultStage2 vm1 = new DefaultStage2(host, m1, 1);
            DefaultStage2 vm2 = new DefaultStage2(host, m2, 2);
            vm1.resolve(DATA, false, false);
            vm2.resolve(DATA, false, false);
            Core a = pe(host);
            Cpu c = a.cpu;
            assertEquals(0x1111, enterAndRead(a, vm1), "VM 1 reads its own RAM through its tables");
            long misses = c.slowAccesses;
            assertEquals(0x1111, enterAndRead(a, vm1));
            assertEquals(misses, c.slowAccesses, "second access hits the TLB");
            assertEquals(0x2222, enterAndRead(a, vm2), "same IPA, other VMID: VM 2's RAM, not VM 1's entry");
            assertEquals(misses + 1, c.slowAccesses, "VM 2 missed");
            assertEquals(0x1111, enterAndRead(a, vm1), "VM 1 again");
            assertEquals(misses + 1, c.slowAccesses, "VM 1's entries survived VM 2's run: tagged by VMID");

            // TLBI VMALLS12E1IS issued with VM 2's VTTBR loaded (__tlb_switch_to_guest): VM 1 keeps its entries
            c.sys[c.regs.index("VTTBR_EL2")] = vm2.vttbr();
            a.mem.tlbiVmalls12e1is();
            assertEquals(0x1111, enterAndRead(a, vm1));
            assertEquals(misses + 1, c.slowAccesses, "VM 1 untouched by VM 2's invalidation");
            assertEquals(0x2222, enterAndRead(a, vm2));
            assertEquals(misses + 2, c.slowAccesses, "VM 2 walked again after its invalidation");

            // another PE holding VM 1's entries gets the broadcast before its next guest entry
            Core b = pe(host);
            AtomicInteger nudged = new AtomicInteger();
            b.mem.onRemoteInvalidate(nudged::incrementAndGet);
            assertEquals(0x1111, enterAndRead(b, vm1));
            long bMisses = b.cpu.slowAccesses;
            c.sys[c.regs.index("VTTBR_EL2")] = vm1.vttbr();
            a.mem.tlbiVmalls12e1is();
            assertEquals(1, nudged.get(), "the other PE was told to leave its guest");
            assertEquals(0x1111, enterAndRead(b, vm1));
            assertEquals(bMisses + 1, b.cpu.slowAccesses, "the other PE walked again after the broadcast");
            vm1.close();
            vm2.close();
        }
    }

    @Test
    void aGuestTlbiInnerShareableReachesTheVmsOtherVcpusOnly() {
        try (HostMachine host = new HostMachine();
             GuestMemory m1 = vmMemory(0x1111);
             GuestMemory m2 = vmMemory(0x2222)) {
            DefaultStage2 vm1 = new DefaultStage2(host, m1, 1);
            DefaultStage2 vm2 = new DefaultStage2(host, m2, 2);
            vm1.resolve(DATA, false, false);
            vm2.resolve(DATA, false, false);
            Core a = pe(host);
            Core b = pe(host);
            Core other = pe(host);
            AtomicInteger nudgedB = new AtomicInteger();
            b.mem.onRemoteInvalidate(nudgedB::incrementAndGet);
            enterAndRead(a, vm1);
            enterAndRead(b, vm1);
            enterAndRead(other, vm2);
            long bMisses = b.cpu.slowAccesses;
            long otherMisses = other.cpu.slowAccesses;
            a.translationChangedInnerShareable(); // TLBI VMALLE1IS by the guest on vCPU a of VM 1
            assertEquals(1, nudgedB.get(), "VM 1's other vCPU was told to leave the guest");
            assertEquals(0x1111, enterAndRead(b, vm1));
            assertEquals(bMisses + 1, b.cpu.slowAccesses, "VM 1's other vCPU walked again");
            assertEquals(0x2222, enterAndRead(other, vm2));
            assertEquals(otherMisses, other.cpu.slowAccesses, "VM 2 kept its entries");
            vm1.close();
            vm2.close();
        }
    }
}
