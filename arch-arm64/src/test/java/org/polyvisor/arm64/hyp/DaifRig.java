package org.polyvisor.arm64.hyp;

import org.polyvisor.api.VmConfig;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.HostEvents;
import org.polyvisor.arm64.internal.hyp.PhysicalCpu;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.GuestClock;

/**
 * One vCPU of a virt machine built with a given host model and {@code vhe.daif} design, running a guest that does
 * nothing but {@code hvc #0} in a loop, so that every {@link #runOnce()} is exactly one world switch and back.
 */
final class DaifRig implements AutoCloseable {
    private static final int HVC_0 = 0xD400_0002;
    private static final int B_MINUS_4 = 0x17FF_FFFF;

    private final TestMachine machine;
    final Arm64Vcpu vcpu;
    final PhysicalCpu hw;
    final HostEvents events;

    /** @param design a vhe.daif value, or null to leave the option out (the default) */
    DaifRig(String host, String design, WorldSwitchParticipant... participants) {
        Arm64Architecture arch = new Arm64Architecture();
        for (WorldSwitchParticipant p : participants) {
            arch.addParticipant(p);
        }
        VmConfig cfg = TestMachine.config(host, 1);
        if (design != null) {
            cfg = cfg.withOption("vhe.daif", design);
        }
        machine = new TestMachine(arch, cfg, GuestClock.HOST);
        machine.load(TestMachine.RAM, new int[] {HVC_0, B_MINUS_4});
        vcpu = machine.vcpu(0);
        vcpu.syncParticipants();
        hw = vcpu.physical();
        events = hw.events();
    }

    /** Stage-2 faults the hypervisor resolved inside run(): each is one more pass through the world switch. */
    long stage2Faults() {
        return machine.machine().stage2().faults();
    }

    /** One guest entry ended by the guest's HVC; fails with what the vCPU returned otherwise. */
    void runOnce() {
        Exit e = vcpu.run();
        if (!(e instanceof Exit.ArchExit a) || !a.exitClass().equals("HVC64")) {
            throw new AssertionError("expected the guest's HVC exit, the vCPU returned " + e);
        }
    }

    @Override
    public void close() {
        machine.close();
    }
}
