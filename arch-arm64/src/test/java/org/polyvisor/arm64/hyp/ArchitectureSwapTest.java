package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.testing.Blocking;
import org.polyvisor.arm64.testing.Guests;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.Golden;
import org.polyvisor.testkit.Await;

/**
 * The arm64 bundle is swapped (architecture service unregistered and a new one registered) several times while SMP
 * and interrupt-driven guests run: the hypervisor state (GIC, PSCI power states, timers, world-switch contexts) goes
 * through the neutral snapshot and the guest's output is unchanged.
 */
class ArchitectureSwapTest {
    @ParameterizedTest(name = "{0} host={1}")
    @CsvSource({"smp,vhe", "gictimer,nvhe", "wfi,vhe", "psci,nvhe"})
    void guestOutputSurvivesSwaps(String guest, String host) throws Exception {
        Path elf = Guests.dir().resolve(guest + ".elf");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StandaloneHypervisor hv = new StandaloneHypervisor()) {
            Arm64Architecture arch = new Arm64Architecture();
            HypVm.registerHandlers(hv.add(arch));
            VmManager mgr = hv.vms();
            int id = mgr.create(VmConfig.of("arm64", 128L << 20, Guests.smp(guest), elf).withOption("host", host));
            try (AutoCloseable c = mgr.attachConsole(id, b -> {
                synchronized (out) {
                    out.write(b);
                }
            })) {
                mgr.start(id);
                int swaps = 0;
                while (swaps < 5 && mgr.info(id).state() == VmState.RUNNING) {
                    // swap once the guest made progress on the current bundle (or it ended)
                    int printed = size(out);
                    Await.until("guest output or the end of the VM",
                            () -> size(out) > printed || mgr.info(id).state() != VmState.RUNNING, Blocking.TIMEOUT,
                            () -> size(out) + " bytes of output, VM " + mgr.info(id));
                    hv.remove(arch);
                    arch = new Arm64Architecture();
                    hv.add(arch);
                    swaps++;
                }
                VmInfo info = mgr.awaitTermination(id, 60_000);
                assertEquals(VmState.STOPPED, info.state(), info.error());
                assertTrue(swaps >= 1, "the guest finished before any swap");
            }
        }
        synchronized (out) {
            Golden.assertSameBytes(Golden.expected(elf), out.toByteArray(), guest + " across swaps");
        }
    }

    private static int size(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.size();
        }
    }
}
