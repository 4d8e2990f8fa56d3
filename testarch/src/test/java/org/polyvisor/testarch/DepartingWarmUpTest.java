package org.polyvisor.testarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;
import org.polyvisor.testkit.Await;

/**
 * A departing architecture (Felix's in-place update stops its bundle) runs its export path on scratch machines while
 * its VMs still run, so their pause does not pay for the first run of that code; then the VMs pause and wait as
 * before. {@code polyvisor.swap.warmDeparting=false} leaves the warm-up out.
 */
class DepartingWarmUpTest {
    private static final String WARM_DEPARTING = "polyvisor.swap.warmDeparting";

    @TempDir
    Path dir;
    private final VmManagerImpl mgr = VmManagerImpl.create();

    @AfterEach
    void close() {
        mgr.close();
        System.clearProperty(WARM_DEPARTING);
    }

    /** The toy architecture, noting the state of VM {@code watched[0]} whenever it builds a machine. */
    private static final class Watching implements Architecture {
        final ToyArchitecture toy = new ToyArchitecture();
        final List<VmState> vmStateAtCreate = new CopyOnWriteArrayList<>();
        final int[] watched = {-1};
        VmManagerImpl mgr;

        @Override
        public String id() {
            return toy.id();
        }

        @Override
        public ArchCapabilities capabilities() {
            return toy.capabilities();
        }

        @Override
        public Machine createMachine(MachineContext context) {
            if (watched[0] >= 0) {
                vmStateAtCreate.add(mgr.info(watched[0]).state());
            }
            return toy.createMachine(context);
        }
    }

    private Watching startOneVm() {
        Watching arch = new Watching();
        arch.mgr = mgr;
        mgr.addArchitecture(arch);
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        int id = mgr.create(VmConfig.of("test", 1 << 20, 1, ToyPrograms.checksum(dir, 1_000_000)));
        mgr.start(id);
        Await.until("VM " + id + " running", () -> mgr.info(id).state() == VmState.RUNNING, Duration.ofSeconds(10),
                () -> mgr.info(id).toString());
        arch.watched[0] = id;
        return arch;
    }

    @Test
    void theDepartingImplementationBuildsScratchMachinesWhileItsVmStillRuns() {
        Watching arch = startOneVm();
        int id = arch.watched[0];
        mgr.removeArchitecture(arch);
        assertFalse(arch.vmStateAtCreate.isEmpty(), "no scratch machine was built by the departing implementation");
        for (VmState s : arch.vmStateAtCreate) {
            assertEquals(VmState.RUNNING, s, "a scratch machine was built while the VM was paused: "
                    + arch.vmStateAtCreate);
        }
        assertEquals(VmState.WAITING, mgr.info(id).state(), "the VM does not wait for the architecture");
    }

    @Test
    void withoutTheWarmUpTheDepartingImplementationBuildsNothing() {
        System.setProperty(WARM_DEPARTING, "false");
        Watching arch = startOneVm();
        mgr.removeArchitecture(arch);
        assertTrue(arch.vmStateAtCreate.isEmpty(), "machines built: " + arch.vmStateAtCreate);
        assertEquals(VmState.WAITING, mgr.info(arch.watched[0]).state());
    }
}
