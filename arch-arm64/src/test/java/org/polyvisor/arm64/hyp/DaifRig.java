package org.polyvisor.arm64.hyp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;

import org.polyvisor.api.VmConfig;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.HostEvents;
import org.polyvisor.arm64.internal.hyp.PhysicalCpu;
import org.polyvisor.arm64.internal.machine.VirtMachine;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.spi.Exit;
import org.polyvisor.standalone.MachineHarness;

/**
 * One vCPU of a virt machine built with a given host model and {@code vhe.daif} design, running a guest that does
 * nothing but {@code hvc #0} in a loop, so that every {@link #runOnce()} is exactly one world switch and back.
 */
final class DaifRig implements AutoCloseable {
    static final long RAM = 0x4000_0000L;
    private static final int HVC_0 = 0xD400_0002;
    private static final int B_MINUS_4 = 0x17FF_FFFF;

    private final MachineHarness context;
    private final VirtMachine machine;
    final Arm64Vcpu vcpu;
    final PhysicalCpu hw;
    final HostEvents events;

    /** @param design a vhe.daif value, or null to leave the option out (the default) */
    DaifRig(String host, String design, WorldSwitchParticipant... participants) {
        Arm64Architecture arch = new Arm64Architecture();
        for (WorldSwitchParticipant p : participants) {
            arch.addParticipant(p);
        }
        VmConfig cfg = VmConfig.of("arm64", 16L << 20, 1, null).withOption("host", host);
        if (design != null) {
            cfg = cfg.withOption("vhe.daif", design);
        }
        context = new MachineHarness(cfg, new ByteArrayOutputStream()::write);
        try {
            machine = (VirtMachine) arch.createMachine(context);
        } catch (RuntimeException e) {
            context.close(); // a refused option: nothing else was created
            throw e;
        }
        context.memory().write(RAM, 4, HVC_0 & 0xFFFF_FFFFL, ByteOrder.LITTLE_ENDIAN);
        context.memory().write(RAM + 4, 4, B_MINUS_4 & 0xFFFF_FFFFL, ByteOrder.LITTLE_ENDIAN);
        vcpu = (Arm64Vcpu) machine.vcpu(0);
        vcpu.boot(RAM, true);
        vcpu.syncParticipants();
        hw = vcpu.physical();
        events = hw.events();
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
        context.close();
    }
}
