package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.spi.Stage2Provider;
import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegTable;
import org.polyvisor.arm64.testing.Blocking;
import org.polyvisor.arm64.testing.Guests;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.ConsoleSink;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.MmioBus;
import org.polyvisor.spi.StateIncompatibleException;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.standalone.MachineHarness;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.Golden;
import org.polyvisor.testkit.Await;

/**
 * What features contribute to arm64 machines, swapped while VMs run. System registers (SysRegTable): machines are
 * rebuilt with the new revision's table (no VM keeps the old code), the guest's register values survive, and a VM
 * whose feature went away waits for it instead of losing its values. A stage-2 provider: machines are rebuilt with
 * each new one.
 */
class FeatureContributionSwapTest {
    /** Revision {@code rev} of a feature with one register; revision 2 and later add a second one. */
    private static SysRegTable feature(int rev) {
        return feature(rev, ConcurrentHashMap.newKeySet());
    }

    /** The same, recording its revision in {@code built} whenever a machine's register file is built from it. */
    private static SysRegTable feature(int rev, Set<Integer> built) {
        return new SysRegTable() {
            @Override
            public String name() {
                return "test-feature";
            }

            @Override
            public List<SysReg> registers() {
                built.add(rev);
                List<SysReg> r = new ArrayList<>(List.of(SysReg.plain("TEST_FEAT_EL1", 3, 0, 15, 0, 0, SysReg.RW_EL1, 0)));
                if (rev >= 2) {
                    r.add(SysReg.plain("TEST_FEAT2_EL1", 3, 0, 15, 0, 1, SysReg.RW_EL1, rev));
                }
                return r;
            }

            @Override
            public String toString() {
                return "test-feature rev " + rev;
            }
        };
    }

    /** A machine context that records the rebuild requests the architecture sends it. */
    private static final class Recording implements MachineContext {
        final List<String> reasons = new ArrayList<>();
        private final MachineHarness inner;

        Recording(MachineHarness inner) {
            this.inner = inner;
        }

        @Override
        public int vmId() {
            return inner.vmId();
        }

        @Override
        public VmConfig config() {
            return inner.config();
        }

        @Override
        public GuestMemory memory() {
            return inner.memory();
        }

        @Override
        public MmioBus mmio() {
            return inner.mmio();
        }

        @Override
        public ConsoleSink console() {
            return inner.console();
        }

        @Override
        public GuestClock clock() {
            return inner.clock();
        }

        @Override
        public void requestRebuild(String reason) {
            reasons.add(reason);
        }
    }

    /** Registers the architecture and its exit handlers; starts swapload with its console going to {@code out}. */
    private static int startSwapload(StandaloneHypervisor hv, Arm64Architecture arch, ByteArrayOutputStream out) {
        HypVm.registerHandlers(hv.add(arch));
        VmManager mgr = hv.vms();
        int id = mgr.create(VmConfig.of("arm64", 128L << 20, 1, Guests.dir().resolve("swapload.elf")));
        mgr.attachConsole(id, b -> {
            synchronized (out) {
                out.write(b);
            }
        });
        mgr.start(id);
        return id;
    }

    private static Cpu cpu(Machine m) {
        return ((Arm64Vcpu) m.vcpu(0)).cpu();
    }

    @Test
    void aNewRevisionOfTheTableRebuildsMachinesKeepsValuesAndAMissingOneIsRefused() {
        SysRegTable rev1 = feature(1);
        SysRegTable rev2 = feature(2);
        Arm64Architecture arch = new Arm64Architecture(null, List.of(rev1));
        VmConfig cfg = VmConfig.of("arm64", 16L << 20, 1, null);
        try (MachineHarness s1 = new MachineHarness(cfg, b -> { });
                MachineHarness c2 = new MachineHarness(cfg, b -> { });
                MachineHarness c3 = new MachineHarness(cfg, b -> { })) {
            StateSnapshot machineState;
            StateSnapshot vcpuState;
            Recording recorder = new Recording(s1); // the VM the architecture must tell about changes
            try (Machine m1 = arch.createMachine(recorder)) {
                cpu(m1).sys[cpu(m1).regs.index("TEST_FEAT_EL1")] = 0x1234_5678L; // what the guest wrote
                machineState = m1.exportState();
                vcpuState = m1.vcpu(0).exportState();
            }
            arch.addSysRegTable(rev2); // a side-by-side swap of the feature bundle: its new revision registers
            assertEquals(List.of("system registers 'test-feature' registered"), recorder.reasons);
            try (Machine m2 = arch.createMachine(c2)) {
                assertTrue(cpu(m2).regs.has("TEST_FEAT2_EL1"), "the new revision's table is used");
                m2.importState(machineState);
                m2.vcpu(0).importState(vcpuState);
                assertEquals(0x1234_5678L, cpu(m2).sys[cpu(m2).regs.index("TEST_FEAT_EL1")]);
                machineState = m2.exportState();
            }
            arch.removeSysRegTable(rev1); // the old revision leaves: nothing uses it, no rebuild
            assertEquals(1, recorder.reasons.size(), recorder.reasons.toString());
            arch.removeSysRegTable(rev2); // the feature is gone
            assertEquals("system registers 'test-feature' unregistered", recorder.reasons.get(1));
            try (Machine m3 = arch.createMachine(c3)) {
                StateSnapshot s = machineState;
                StateIncompatibleException e = assertThrows(StateIncompatibleException.class, () -> m3.importState(s));
                assertTrue(e.getMessage().contains("'test-feature'"), e.getMessage());
            }
        }
    }

    /**
     * Through the framework, under load: the table is replaced by new revisions while the swapload guest runs (each
     * change rebuilds its machine), then removed (the VM waits, saying for what) and brought back (it continues);
     * the output equals QEMU's.
     */
    @Test
    void aRunningVmFollowsTheFeatureTableThroughRevisionsAndWaitsWhileItIsAway() throws Exception {
        Path elf = Guests.dir().resolve("swapload.elf");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Set<Integer> built = ConcurrentHashMap.newKeySet();
        try (StandaloneHypervisor hv = new StandaloneHypervisor()) {
            Arm64Architecture arch = new Arm64Architecture(null, List.of());
            SysRegTable current = feature(1, built);
            arch.addSysRegTable(current);
            int id = startSwapload(hv, arch, out);
            VmManager mgr = hv.vms();
            for (int rev = 2; rev <= 6 && mgr.info(id).state() == VmState.RUNNING; rev++) {
                awaitProgress(mgr, id, out);
                SysRegTable next = feature(rev, built);
                arch.addSysRegTable(next); // new revision next to the old one
                arch.removeSysRegTable(current);
                current = next;
            }
            // swapload runs for seconds: it is still running here
            assertEquals(VmState.RUNNING, mgr.info(id).state(), "the guest finished before the feature left");
            arch.removeSysRegTable(current); // the feature goes away: the VM must wait for it
            VmInfo waiting = mgr.info(id);
            assertEquals(VmState.WAITING, waiting.state(), waiting.toString());
            assertTrue(waiting.error().contains("'test-feature', which is not installed"), waiting.error());
            int printed = size(out);
            assertEquals(VmState.WAITING, mgr.info(id).state(), "the VM keeps waiting for the feature");
            assertEquals(printed, size(out), "the guest ran without its feature");
            arch.addSysRegTable(feature(7, built));
            VmInfo info = mgr.awaitTermination(id, 120_000);
            assertEquals(VmState.STOPPED, info.state(), info.error());
            // each rebuild builds the vCPU's register file from the revision registered then
            assertTrue(built.stream().filter(r -> r >= 2 && r <= 6).count() >= 3,
                    "the VM's machine was rebuilt with new revisions while it ran; revisions that built it: " + built);
            assertTrue(built.contains(7), "the waiting VM continued on the returned feature; built: " + built);
        }
        synchronized (out) {
            Golden.assertSameBytes(Golden.expected(elf), out.toByteArray(), "swapload through feature revisions");
        }
    }

    /** A stage-2 provider (a feature) bound, replaced and unbound under a running guest: machines follow it. */
    @Test
    void machinesFollowTheStage2ProviderThroughRevisions() throws Exception {
        Path elf = Guests.dir().resolve("swapload.elf");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Set<Integer> used = ConcurrentHashMap.newKeySet();
        try (StandaloneHypervisor hv = new StandaloneHypervisor()) {
            Arm64Architecture arch = new Arm64Architecture(null, List.of());
            int id = startSwapload(hv, arch, out);
            VmManager mgr = hv.vms();
            Stage2Provider previous = null;
            for (int rev = 1; rev <= 4; rev++) {
                awaitProgress(mgr, id, out);
                int r = rev;
                Stage2Provider next = (context, identity) -> {
                    used.add(r); // this revision built a machine's stage 2
                    return identity;
                };
                arch.setStage2Provider(next); // DS: bind the new one first, then unbind the old one
                if (previous != null) {
                    arch.unsetStage2Provider(previous);
                }
                previous = next;
            }
            assertEquals(VmState.RUNNING, mgr.info(id).state(), "the guest finished before the last revision");
            arch.unsetStage2Provider(previous); // back to the default stage 2
            VmInfo info = mgr.awaitTermination(id, 120_000);
            assertEquals(VmState.STOPPED, info.state(), info.error());
        }
        assertEquals(Set.of(1, 2, 3, 4), used, "each provider revision built the running VM's stage 2");
        synchronized (out) {
            Golden.assertSameBytes(Golden.expected(elf), out.toByteArray(), "swapload through stage-2 revisions");
        }
    }

    /** Returns once the guest printed more (it ran on the current revision) or its VM is no longer running. */
    private static void awaitProgress(VmManager mgr, int id, ByteArrayOutputStream out) {
        int printed = size(out);
        Await.until("guest output or the end of the VM",
                () -> size(out) > printed || mgr.info(id).state() != VmState.RUNNING, Blocking.TIMEOUT,
                () -> size(out) + " bytes of output, VM " + mgr.info(id));
    }

    private static int size(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.size();
        }
    }
}
