package org.polyvisor.ppc.internal.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.ByteOrder;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.ppc.internal.GuestRun;
import org.polyvisor.ppc.internal.LocalVm;
import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.SprNum;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.exec.Interpreter;
import org.polyvisor.ppc.internal.machine.GutsReset;
import org.polyvisor.ppc.internal.machine.PpcMachine;
import org.polyvisor.ppc.internal.mmu.Mas;
import org.polyvisor.ppc.internal.mmu.TlbArray;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.MmioBus;

/** Exits that leave Vcpu.run() for the framework, and instructions the hypervisor emulates, on hand-placed code. */
class HypervisorExitTest {
    static final int CODE = 0x20_0000;

    private static LocalVm vmWith(int... words) {
        LocalVm vm = new LocalVm(GuestRun.elf("hello"), Map.of());
        for (int i = 0; i < words.length; i++) {
            vm.memory.write(CODE + 4L * i, 4, words[i] & 0xFFFF_FFFFL, ByteOrder.BIG_ENDIAN);
        }
        vm.vcpu.cpu().pc = CODE;
        return vm;
    }

    @Test
    void scLevelOneIsAHypercallExit() {
        // lis r11,42 ; ori r11,r11,3 (KVM_HC_FEATURES) ; sc 1
        try (LocalVm vm = vmWith(0x3D60_002A, 0x616B_0003, 0x4400_0022)) {
            Exit e = vm.next();
            PpcExit p = assertInstanceOf(PpcExit.class, e);
            assertEquals("HV_SYSCALL", p.exitClass());
            assertEquals(Ivor.HV_SYSCALL, p.ivor());
            assertEquals(CODE + 12, vm.vcpu.cpu().pc);
            ExitContext ctx = mock(ExitContext.class);
            when(ctx.vcpu()).thenReturn(vm.vcpu);
            vm.vcpu.cpu().gpr[3] = 77;
            assertEquals(ExitAction.RESUME, new HypercallHandler().handle(ctx, p));
            assertEquals(0, vm.vcpu.cpu().gpr[3]);
            verify(ctx).vcpu();
        }
    }

    @Test
    void ehprivDebugExitsAndOtherCodesFail() {
        // ehpriv 1 ; ehpriv 5
        try (LocalVm vm = vmWith(0x7C00_0A1C, 0x7C00_2A1C)) {
            PpcExit d = assertInstanceOf(PpcExit.class, vm.next());
            assertEquals("DEBUG", d.exitClass());
            assertEquals(0x7C00_0A1C, d.lastInst());
            PpcExit f = assertInstanceOf(PpcExit.class, vm.next());
            assertEquals("EMULATION_FAIL", f.exitClass());
            assertEquals(0x7C00_2A1C, f.lastInst());
            assertEquals(0xFFFF_FFFF_7C00_2A1CL, f.hardwareExitReason());
        }
    }

    @Test
    void hypervisorOnlySprFailsEmulationWithProgramInterrupt() {
        // mfspr r3,LPIDR (hypervisor-only in guest state)
        int mfLpidr = 0x7C00_02A6 | 3 << 21 | (338 & 31) << 16 | (338 >> 5) << 11;
        try (LocalVm vm = vmWith(mfLpidr, 0x6000_0000)) {
            Cpu c = vm.vcpu.cpu();
            vm.vcpu.hypervisor().sprs().mtspr(c, SprNum.IVPR, 0x0010_0000);
            vm.vcpu.hypervisor().sprs().mtspr(c, SprNum.IVOR0 + 6, 0x0000_0600);
            PpcExit f = assertInstanceOf(PpcExit.class, vm.next());
            assertEquals("EMULATION_FAIL", f.exitClass());
            // the queued program interrupt is delivered on re-entry
            vm.vcpu.hypervisor().interrupts().prepareToEnter();
            assertEquals(0x0010_0600, c.pc);
            assertEquals(Esr.PIL, c.spr[SprNum.GESR]);
            assertEquals(CODE, c.spr[SprNum.GSRR0]);
        }
    }

    @Test
    void gutsResetEndsTheRun() {
        try (LocalVm vm = vmWith()) {
            vm.machine.vcpu(0);
            new LocalVmBus(vm).write(PpcMachine.GUTS + GutsReset.RSTCR, 4, GutsReset.RSTCR_RESET);
            Exit e = vm.vcpu.run();
            if (e instanceof Exit.Kicked) {
                e = vm.vcpu.run();
            }
            Exit.Shutdown s = assertInstanceOf(Exit.Shutdown.class, e);
            assertEquals(0, s.status());
        }
    }

    @Test
    void externalPidLoadUsesTheGuestContext() {
        // lwepx r3,0,r4 from guest supervisor: EPLC forced to this partition; reads through the shadow
        try (LocalVm vm = vmWith(0x7C60_203E)) {
            vm.memory.write(0x30_0000, 4, 0xCAFE_F00DL, ByteOrder.BIG_ENDIAN);
            Cpu c = vm.vcpu.cpu();
            c.gpr[4] = 0x30_0000;
            // run until the sc the test never placed: the interpreter faults the shadow in, then executes lwepx
            for (int i = 0; i < 10 && c.gpr[3] != 0xCAFE_F00D; i++) {
                int ivor = Interpreter.run(c, 1);
                if (ivor >= 0) {
                    vm.vcpu.hypervisor().handleExit(ivor);
                }
            }
            assertEquals(0xCAFE_F00D, c.gpr[3]);
        }
    }

    /** A store to a read-only guest page: the hardware sends the DSI straight to the guest (EPCR[DSIGS]). */
    @Test
    void dataStorageInterruptGoesDirectlyToTheGuest() {
        // stw r3,0(r4) to a page the guest mapped SR only
        try (LocalVm vm = vmWith(0x9064_0000)) {
            Cpu c = vm.vcpu.cpu();
            var g = vm.vcpu.hypervisor().guestTlb().entries();
            g.write(TlbArray.TLB1_BASE + 3, 0x8000_0100, 0x5000_0000,
                    0x0030_0000 | Mas.MAS3_SR, 0, 0);
            vm.vcpu.hypervisor().sprs().mtspr(c, SprNum.IVPR, 0x0010_0000);
            vm.vcpu.hypervisor().sprs().mtspr(c, SprNum.IVOR0 + 2, 0x0000_0200);
            c.gpr[4] = 0x5000_0010;
            long hvBefore = vm.vcpu.hypervisor().stats.get(Ivor.DATA_STORAGE);
            for (int i = 0; i < 10 && c.pc != 0x0010_0200; i++) {
                int ivor = Interpreter.run(c, 1);
                if (ivor >= 0) {
                    vm.vcpu.hypervisor().handleExit(ivor);
                }
            }
            assertEquals(0x0010_0200, c.pc);
            assertEquals(CODE, c.spr[SprNum.GSRR0]);
            assertEquals(0x5000_0010, c.spr[SprNum.GDEAR]);
            assertEquals(Esr.ST, c.spr[SprNum.GESR]);
            assertEquals(hvBefore, vm.vcpu.hypervisor().stats.get(Ivor.DATA_STORAGE), "no hypervisor exit for the DSI");
        }
    }

    /** Direct access to the test VM's device bus. */
    record LocalVmBus(LocalVm vm) {
        void write(long addr, int size, long value) {
            vm.machine.exportState(); // machine alive
            vmBus().write(GuestPhysicalAddress.of(addr), size, value);
        }

        MmioBus vmBus() {
            return vm.bus();
        }
    }
}
