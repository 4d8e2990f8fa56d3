package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.ppc.internal.LocalVm;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.cpu.SprNum;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.exec.Interpreter;
import org.polyvisor.ppc.internal.mmu.Mas;
import org.polyvisor.ppc.internal.mmu.TlbArray;

/**
 * The cases of "KVM: PPC: Bookehv: Get vcpu's last instruction for emulation" (2014): evicted entry (AGAIN),
 * execute-only page, storage-attribute mismatch, non-RAM fetch; the failures under both {@code lastinst.fail}
 * answers.
 */
class LastInstructionTest {
    private static String expected(String guest) throws Exception {
        return Files.readString(GuestRun.guestDir().resolve(guest + ".expected"));
    }

    @Test
    void executeOnlyPageDefeatsLwepxButNotTheTlbSearch() throws Exception {
        try (LocalVm vm = new LocalVm(GuestRun.elf("xonly"), Map.of("lastinst", "tlbsearch")).runToEnd()) {
            assertEquals(expected("xonly"), vm.console.toString());
            assertEquals(0, vm.vcpu.hypervisor().stats.get("INST_LOAD_FAIL"));
        }
        // inst-load-fail=resume: the guest gets the queued program interrupt without the VM stopping in
        // INTERNAL_ERROR first (InstLoadFailStopTest covers the stop and the resume through the VM manager)
        try (LocalVm vm = new LocalVm(GuestRun.elf("xonly"), Map.of("lastinst", "lwepx", "lastinst.fail", "fail",
                "inst-load-fail", "resume")).runToEnd()) {
            // lwepx needs read permission: the load fails, the guest gets a program interrupt (ESR[PIL])
            assertEquals("xonly mas1=70000000 programs=1 esr=08000000\nxonly done\n",
                    vm.console.toString().replaceFirst("mas1=[0-9a-f]{8}", "mas1=70000000"));
            assertEquals(1, vm.vcpu.hypervisor().stats.get("INST_LOAD_FAIL"));
            assertEquals(1, vm.archExits.size());
            PpcExit e = vm.archExits.get(0);
            assertEquals("INST_LOAD_FAIL", e.exitClass());
            assertEquals(Ivor.HV_PRIV, e.ivor());
            assertEquals(0xFFFF_FFFF_FFFF_FFFFL, e.hardwareExitReason()); // (~0 << 32) | KVM_INST_FETCH_FAILED
            assertEquals(InstLoad.LWEPX_FAULT.description(), e.reason());
            assertEquals(0x7000_0000, e.pc());
            assertEquals(0, e.retries());
            assertEquals(1, vm.vcpu.hypervisor().stats.get(InstLoad.LWEPX_FAULT.counter()));
        }
    }

    /** Upstream's answer (the default): EMULATE_AGAIN until the vCPU gives up, nothing queued for the guest. */
    @Test
    void executeOnlyPageWithLwepxRetriesAndGivesUpByDefault() {
        try (LocalVm vm = new LocalVm(GuestRun.elf("xonly"), Map.of("lastinst", "lwepx"))) {
            PpcExit e = (PpcExit) vm.next();
            Hypervisor h = vm.vcpu.hypervisor();
            assertEquals("INST_LOAD_FAIL", e.exitClass());
            assertEquals(LoadFailurePolicy.MAX_RETRIES, e.retries());
            assertEquals(InstLoad.LWEPX_FAULT.description(), e.reason());
            assertEquals(0x7000_0000, e.pc());
            assertEquals(0x7000_0000, vm.vcpu.cpu().pc, "the guest stays at the instruction");
            assertEquals(LoadFailurePolicy.MAX_RETRIES, h.stats.get(InstLoad.LWEPX_FAULT.counter()));
            assertEquals(LoadFailurePolicy.MAX_RETRIES, h.stats.get("EMULATE_AGAIN"));
            assertEquals(1, h.stats.get("INST_LOAD_GAVE_UP"));
            assertEquals(0, h.stats.get("INST_LOAD_FAIL"), "no program interrupt queued");
            assertEquals(0L, vm.vcpu.exportState().value("pending.program"));
            // resumed, it retries as many times again: bounded every time
            PpcExit again = (PpcExit) vm.next();
            assertEquals(LoadFailurePolicy.MAX_RETRIES, again.retries());
            assertEquals(2L * LoadFailurePolicy.MAX_RETRIES, h.stats.get("EMULATE_AGAIN"));
            assertEquals("", vm.console.toString());
        }
    }

    @Test
    void evictedEntryMakesTheGuestFaultAgain() throws Exception {
        try (LocalVm vm = new LocalVm(GuestRun.elf("hello"), Map.of())) {
            Hypervisor h = vm.vcpu.hypervisor();
            int[] evictions = {0};
            h.beforeLastInst(() -> {
                if (evictions[0] < 5) {
                    evictions[0]++;
                    h.shadow().evict(vm.vcpu.cpu().pc);
                }
            });
            vm.runToEnd();
            assertEquals(expected("hello"), vm.console.toString());
            assertEquals(5, h.stats.get("EMULATE_AGAIN"));
            assertEquals(5, h.stats.get(InstLoad.EVICTED.counter()), "the reason is counted");
            // each AGAIN resumed the guest, which took an instruction TLB miss and came back
            assertTrue(h.stats.get(Ivor.ITLB_MISS) >= 5, h.stats.snapshot().toString());
        }
    }

    @Test
    void storageAttributeMismatchFailsOnlyWithMmuV2() throws Exception {
        for (String mmu : new String[] {"v1", "v2"}) {
            try (LocalVm vm = new LocalVm(GuestRun.elf("hello"), Map.of("mmu", mmu, "lastinst.fail", "fail"))) {
                // the guest's boot mapping made cache-inhibited and write-through: shadows inherit I|W
                TlbArray g = vm.vcpu.hypervisor().guestTlb().entries();
                g.write(TlbArray.TLB1_BASE, g.mas1[TlbArray.TLB1_BASE], Mas.MAS2_I | Mas.MAS2_W, Mas.MAS3_PERMS, 0, 0);
                var first = vm.next();
                if (mmu.equals("v1")) {
                    vm.runToEnd();
                    assertEquals(expected("hello"), vm.console.toString());
                } else {
                    PpcExit p = (PpcExit) first;
                    assertEquals("INST_LOAD_FAIL", p.exitClass());
                    assertEquals(Ivor.HV_PRIV, p.ivor()); // the startup's first mtspr MAS0
                    assertEquals(InstLoad.ATTRIBUTE_MISMATCH.description(), p.reason());
                    assertEquals(0, p.retries());
                    assertEquals(1, vm.vcpu.hypervisor().stats.get(InstLoad.ATTRIBUTE_MISMATCH.counter()));
                }
            }
        }
        // upstream's answer: AGAIN until the vCPU gives up
        try (LocalVm vm = new LocalVm(GuestRun.elf("hello"), Map.of("mmu", "v2"))) {
            TlbArray g = vm.vcpu.hypervisor().guestTlb().entries();
            g.write(TlbArray.TLB1_BASE, g.mas1[TlbArray.TLB1_BASE], Mas.MAS2_I | Mas.MAS2_W, Mas.MAS3_PERMS, 0, 0);
            PpcExit p = (PpcExit) vm.next();
            assertEquals(InstLoad.ATTRIBUTE_MISMATCH.description(), p.reason());
            assertEquals(LoadFailurePolicy.MAX_RETRIES, p.retries());
            assertEquals(LoadFailurePolicy.MAX_RETRIES,
                    vm.vcpu.hypervisor().stats.get(InstLoad.ATTRIBUTE_MISMATCH.counter()));
        }
    }

    /** A physical TLB entry for the guest PC that maps something that is not RAM. */
    @Test
    void nonRamInstructionAddressFails() {
        try (GuestMemory mem = new GuestMemory()) {
            mem.addSlot(0, GuestPhysicalAddress.of(0), 1 << 20, false);
            Cpu cpu = new Cpu(mem, false);
            cpu.pc = 0x4000_0000;
            cpu.spr[SprNum.SRR1] = Msr.GS;
            cpu.tlb.write(0, Mas.MAS1_V | Mas.MAS1_TSIZE_4K, 0x4000_0000, 0x8000_0000 | Mas.MAS3_SX | Mas.MAS3_SR, 0,
                    Mas.MAS8_TGS | 1);
            int[] out = new int[1];
            assertEquals(InstLoad.NOT_RAM, new TlbSearchLoader().load(cpu, 1, out));
            assertEquals(InstLoad.NOT_RAM, new LwepxLoader().load(cpu, 1, out));
            // the same page in RAM loads; an LPID mismatch (entry of another partition) is a miss: AGAIN
            mem.write(0x3000, 4, 0x7C00_0724L, ByteOrder.BIG_ENDIAN);
            cpu.tlb.write(0, Mas.MAS1_V | Mas.MAS1_TSIZE_4K, 0x4000_0000, 0x3000 | Mas.MAS3_SX | Mas.MAS3_SR, 0,
                    Mas.MAS8_TGS | 1);
            assertEquals(InstLoad.LOADED, new TlbSearchLoader().load(cpu, 1, out));
            assertEquals(0x7C00_0724, out[0]);
            assertEquals(InstLoad.EVICTED, new TlbSearchLoader().load(cpu, 2, out));
            assertEquals(InstLoad.EVICTED, new LwepxLoader().load(cpu, 2, out));
        }
    }

    /** The guest maps and jumps to device memory: the instruction TLB miss becomes a machine check (KVM). */
    @Test
    void executingFromDeviceMemoryGivesTheGuestAMachineCheck() {
        try (LocalVm vm = new LocalVm(GuestRun.elf("hello"), Map.of())) {
            Cpu cpu = vm.vcpu.cpu();
            TlbArray g = vm.vcpu.hypervisor().guestTlb().entries();
            g.write(TlbArray.TLB1_BASE + 2, Mas.MAS1_V | 0x500, 0x9000_0000, 0xE000_0000 | Mas.MAS3_PERMS, 0xF, 0);
            vm.vcpu.hypervisor().sprs().mtspr(cpu, SprNum.IVPR, 0x0010_0000);
            vm.vcpu.hypervisor().sprs().mtspr(cpu, SprNum.IVOR0 + 1, 0x0000_0800);
            cpu.pc = 0x9000_0000;
            var ivor = Interpreter.run(cpu, 1);
            assertEquals(Ivor.ITLB_MISS, ivor);
            assertEquals(null, vm.vcpu.hypervisor().handleExit(ivor));
            assertEquals(0x0010_0800, cpu.pc);
            assertEquals(0x9000_0000, vm.vcpu.hypervisor().sprs().vsprValue(SprNum.MCSRR0)); // machine checks save to MCSRR0
            assertEquals(1, vm.vcpu.hypervisor().stats.get("ITLB_NOT_RAM"));
        }
    }
}
