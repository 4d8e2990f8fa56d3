package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.ppc.internal.LocalVm;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.SprNum;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.mmu.Mas;
import org.polyvisor.ppc.internal.mmu.TlbArray;

/**
 * The race upstream's execute-permission check is for ("Another thread may rewrite the TLB entry in parallel"):
 * between the exit and the load, the guest's mapping of the trapping instruction loses execute permission. The
 * guest is xonly: its stub at 0x70000000 (a page of its own, mapped SX) starts with a tlbsx, an HV_PRIV exit; the
 * hook clears SX and UX in the guest TLB entry and in its shadow, as a tlbwe from another vCPU would.
 */
class LastInstRaceTest {
    private static final int STUB = 0x7000_0000;

    private static LocalVm raced(Map<String, String> options) {
        return raced("tlbsearch", options, 0);
    }

    /** @param addPerms permissions the rewritten entry gains (SR: readable, so lwepx can load from it) */
    private static LocalVm raced(String loader, Map<String, String> options, int addPerms) {
        Map<String, String> all = new HashMap<>(options);
        all.put("lastinst", loader);
        LocalVm vm = new LocalVm(GuestRun.elf("xonly"), all);
        Hypervisor h = vm.vcpu.hypervisor();
        Cpu cpu = vm.vcpu.cpu();
        boolean[] done = {false};
        h.beforeLastInst(() -> {
            if (cpu.pc != STUB || done[0]) {
                return;
            }
            done[0] = true;
            int noExec = ~(Mas.MAS3_SX | Mas.MAS3_UX);
            TlbArray g = h.guestTlb().entries();
            int gidx = h.guestTlb().lookup(STUB, 0, cpu.spr[SprNum.PID]);
            assertTrue(gidx >= 0, "the guest maps its stub");
            g.mas3[gidx] = (g.mas3[gidx] & noExec) | addPerms;
            int pidx = cpu.tlb.lookup(STUB, 0, cpu.spr[SprNum.PID], true, true,
                    h.lpid());
            assertTrue(pidx >= 0, "the stub's shadow is in the physical TLB at the exit");
            cpu.tlb.mas3[pidx] = (cpu.tlb.mas3[pidx] & noExec) | addPerms;
            cpu.contextChanged();
        });
        return vm;
    }

    /** Upstream: EMULATE_AGAIN, the guest refetches, and the hardware gives it the ISI it has earned. */
    @Test
    void againLetsTheGuestTakeTheInstructionStorageInterrupt() {
        try (LocalVm vm = raced(Map.of()).runToEnd()) {
            Hypervisor h = vm.vcpu.hypervisor();
            assertEquals("unexpected ivor 3\n", vm.console.toString(), "the guest's ISI handler ran");
            assertEquals(STUB, vm.vcpu.cpu().spr[SprNum.GSRR0], "the ISI is at the instruction that exited");
            assertEquals(1, h.stats.get(InstLoad.NO_EXECUTE.counter()));
            assertEquals(1, h.stats.get("EMULATE_AGAIN"));
            assertEquals(0, h.stats.get("INST_LOAD_FAIL"));
            assertEquals(1, h.stats.get(Ivor.INST_STORAGE), h.stats.snapshot().toString());
            assertTrue(vm.archExits.stream().noneMatch(e -> e.exitClass().equals("INST_LOAD_FAIL")));
        }
    }

    /** The 2014 patch: EMULATE_FAIL, the exit to the host, then the queued program interrupt, which skips the stub. */
    @Test
    void failGivesTheGuestTheQueuedProgramInterrupt() {
        // resume after the exit, as the harness has no VM manager to hold the VM in INTERNAL_ERROR
        try (LocalVm vm = raced(Map.of("lastinst.fail", "fail", "inst-load-fail", "resume")).runToEnd()) {
            Hypervisor h = vm.vcpu.hypervisor();
            assertEquals("xonly mas1=70000000 programs=1 esr=08000000\nxonly done\n", vm.console.toString());
            assertEquals(1, h.stats.get(InstLoad.NO_EXECUTE.counter()));
            assertEquals(1, h.stats.get("INST_LOAD_FAIL"));
            assertEquals(0, h.stats.get(Ivor.INST_STORAGE));
            PpcExit e = vm.archExits.get(0);
            assertEquals(InstLoad.NO_EXECUTE.description(), e.reason());
            assertEquals(STUB, e.pc());
        }
    }

    /**
     * lwepx is a data load and does not look at execute permission: when the rewritten entry is readable (SR, no SX)
     * the racing tlbsx is loaded and emulated, and the guest takes the ISI on its next fetch from the page (the
     * stub's mfspr), as it would have on hardware.
     */
    @Test
    void lwepxEmulatesTheInstructionAndTheGuestFaultsOnTheNextOne() {
        try (LocalVm vm = raced("lwepx", Map.of(), Mas.MAS3_SR).runToEnd()) {
            Hypervisor h = vm.vcpu.hypervisor();
            assertEquals("unexpected ivor 3\n", vm.console.toString());
            assertEquals(0, h.stats.get(InstLoad.LWEPX_FAULT.counter()), "the load succeeded");
            assertEquals(STUB + 4, vm.vcpu.cpu().spr[SprNum.GSRR0], "the ISI is at the instruction after the emulated one");
            assertEquals(0, h.stats.get("EMULATE_AGAIN"));
            assertEquals(1, h.stats.get(Ivor.INST_STORAGE), h.stats.snapshot().toString());
        }
    }
}
