package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmManager;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.spi.PhysicalRegisters;
import org.polyvisor.arm64.spi.WorldSwitchSession;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.Blocking;
import org.polyvisor.arm64.testing.Guests;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.Await;

/**
 * A participant bundle can be swapped while a VM runs: the leaving participant's per-vCPU state is exported at the
 * vCPU's next safe point and handed to the next participant with the same id; vCPU snapshots carry it too.
 */
class ParticipantSwapTest {
    /** Runs n HVC exits; the kicks a participant change sends (so vCPUs reconcile promptly) are skipped. */
    private static void exits(Arm64Vcpu v, int n) {
        for (int i = 0; i < n; i++) {
            Exit e;
            do {
                e = v.run();
            } while (e instanceof Exit.Kicked);
            assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, e).exitClass());
        }
    }

    private static long entries(Arm64Vcpu v) {
        return v.exportState().child("participant.model-spe").value("entries");
    }

    @Test
    void stateSurvivesUnregisterAndReregister() {
        Arm64Architecture arch = new Arm64Architecture();
        ModelSpeParticipant first = new ModelSpeParticipant();
        arch.addParticipant(first);
        for (String host : new String[] {"vhe", "nvhe"}) {
            try (TestMachine m = new TestMachine(arch, host, 1)) {
                m.load(TestMachine.RAM, new A64().hvc().word(0x17FF_FFFF).code()); // 1: hvc #0; b 1b
                Arm64Vcpu v = m.vcpu(0);
                exits(v, 10);
                // one entry per exit, plus one per stage-2 fault resolved inside run() (the code page, once)
                long faults = m.machine().stage2().faults();
                assertEquals(10 + faults, entries(v));
                arch.removeParticipant(first);
                exits(v, 1); // the switch runs without it; its state is parked
                ModelSpeParticipant second = new ModelSpeParticipant();
                arch.addParticipant(second);
                exits(v, 5);
                assertEquals(faults, m.machine().stage2().faults(), "the code page stays mapped");
                assertEquals(15 + faults, entries(v), "the replacement continued the parked state");
                arch.removeParticipant(second);
                arch.addParticipant(first);
            }
        }
    }

    @Test
    void vcpuSnapshotCarriesParticipantState() {
        Arm64Architecture arch = new Arm64Architecture();
        arch.addParticipant(new ModelSpeParticipant());
        try (TestMachine a = new TestMachine(arch, "nvhe", 1); TestMachine b = new TestMachine(arch, "nvhe", 1)) {
            int[] code = new A64().hvc().word(0x17FF_FFFF).code();
            a.load(TestMachine.RAM, code);
            b.load(TestMachine.RAM, code);
            exits(a.vcpu(0), 7);
            StateSnapshot s = a.vcpu(0).exportState();
            b.vcpu(0).importState(s);
            exits(b.vcpu(0), 1);
            // a's 7 exits and b's 1, plus each machine's stage-2 faults resolved inside run() (its code page)
            assertEquals(8 + a.machine().stage2().faults() + b.machine().stage2().faults(), entries(b.vcpu(0)));
            assertEquals(a.vcpu(0).cpu().pc, b.vcpu(0).cpu().pc);
        }
    }

    @Test
    void leavingParticipantIsExportedBeforeItsUnbindReturns() throws Exception {
        Arm64Architecture arch = new Arm64Architecture();
        AtomicInteger exported = new AtomicInteger();
        AtomicInteger switches = new AtomicInteger();
        ModelSpeParticipant p = new ModelSpeParticipant() {
            @Override
            public WorldSwitchSession open(PhysicalRegisters cpu) {
                WorldSwitchSession inner = super.open(cpu);
                return new WorldSwitchSession() {
                    @Override
                    public void saveHost(PhysicalRegisters hw) {
                        switches.incrementAndGet();
                        inner.saveHost(hw);
                    }

                    @Override
                    public void restoreHost(PhysicalRegisters hw) {
                        inner.restoreHost(hw);
                    }

                    @Override
                    public StateSnapshot exportState() {
                        exported.incrementAndGet();
                        return inner.exportState();
                    }

                    @Override
                    public void importState(StateSnapshot s) {
                        inner.importState(s);
                    }
                };
            }
        };
        arch.addParticipant(p);
        try (StandaloneHypervisor hv = HypVm.registerHandlers(new StandaloneHypervisor().add(arch))) {
            VmManager mgr = hv.vms();
            int id = mgr.create(VmConfig.of("arm64", 128L << 20, 1,
                    Guests.dir().resolve("hvcbench.elf")));
            mgr.start(id);
            // the guest is in its hvc loop: every exit goes through the participant
            Await.until("world switches through the participant", () -> switches.get() > 100, Blocking.TIMEOUT,
                    () -> switches.get() + " switches, VM " + mgr.info(id));
            arch.removeParticipant(p);
            assertEquals(1, exported.get(), "the running vCPU parked the leaving participant's state");
            mgr.stop(id);
        }
    }
}
