package org.polyvisor.testarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.spi.VmExtension;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;
import org.polyvisor.testarch.internal.ToyCounterExtension;

/** A VM extension's state survives swaps of the extension and of the architecture. */
class ExtensionSwapTest {
    @TempDir
    Path dir;
    private final VmManagerImpl mgr = VmManagerImpl.create();

    @AfterEach
    void close() {
        mgr.close();
    }

    @Test
    void extensionAndArchitectureSwapsUnderLoadKeepTheDeviceState() throws Exception {
        Path elf = ToyPrograms.counter(dir, 4_000);
        String expected;
        try (VmManagerImpl ref = VmManagerImpl.create()) {
            ref.addArchitecture(new ToyArchitecture());
            ref.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
            ref.addExtension(new ToyCounterExtension());
            expected = VmManagerTest.run(ref, ref.create(VmConfig.of("test", 1 << 20, 1, elf)));
        }
        assertTrue(expected.endsWith("counted\n"), expected);

        ToyArchitecture arch = new ToyArchitecture();
        VmExtension ext = new ToyCounterExtension();
        mgr.addArchitecture(arch);
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        mgr.addExtension(ext);
        int id = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mgr.attachConsole(id, out::write);
        mgr.start(id);
        int swaps = 0;
        while (swaps < 20 && mgr.info(id).state() == VmState.RUNNING) {
            VmProgress.untilExitsPass(mgr, id, VmProgress.exits(mgr, id)); // the guest ran since the last swap
            if (mgr.info(id).state() != VmState.RUNNING) {
                break;
            }
            mgr.removeExtension(ext);
            VmInfo waiting = mgr.info(id);
            if (waiting.state() != VmState.STOPPED) {
                assertEquals(VmState.WAITING, waiting.state());
                assertEquals("extension toy-counter", waiting.waitingFor());
            }
            ext = new ToyCounterExtension();
            mgr.addExtension(ext);
            if (swaps % 2 == 1) {
                // the architecture too: the new machine's bus starts empty, so the extension is re-attached
                mgr.removeArchitecture(arch);
                arch = new ToyArchitecture();
                mgr.addArchitecture(arch);
            }
            swaps++;
        }
        assertTrue(swaps >= 5, "only " + swaps + " swaps before the guest finished");
        VmInfo done = mgr.awaitTermination(id, 30_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
        assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void anArchitectureSwapWithTheExtensionAwayWaitsForBoth() throws Exception {
        Path elf = ToyPrograms.counter(dir, 2_000);
        ToyArchitecture arch = new ToyArchitecture();
        VmExtension ext = new ToyCounterExtension();
        mgr.addArchitecture(arch);
        mgr.addExitHandler(new HcallHandler(), "test", new String[] {"HCALL"}, 0);
        mgr.addExtension(ext);
        int id = mgr.create(VmConfig.of("test", 1 << 20, 1, elf));
        mgr.start(id);
        VmProgress.untilExitsPass(mgr, id, 10); // mid-run
        mgr.removeExtension(ext);
        mgr.removeArchitecture(arch);
        assertEquals("extension toy-counter, architecture test", mgr.info(id).waitingFor());
        mgr.addArchitecture(new ToyArchitecture());
        assertEquals("extension toy-counter", mgr.info(id).waitingFor());
        mgr.addExtension(new ToyCounterExtension());
        VmInfo done = mgr.awaitTermination(id, 30_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
    }
}
