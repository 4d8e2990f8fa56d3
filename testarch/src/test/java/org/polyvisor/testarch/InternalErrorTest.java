package org.polyvisor.testarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.testarch.internal.HcallHandler;
import org.polyvisor.testarch.internal.ToyArchitecture;
import org.polyvisor.testarch.internal.ToyExit;

/**
 * {@link ExitAction.Halt}: the VM stops in INTERNAL_ERROR with its state kept (QEMU's vm_stop(RUN_STATE_INTERNAL_ERROR)
 * after "KVM: unknown exit"), shows the reason, can be inspected and saved, and {@code resume} continues it.
 */
class InternalErrorTest {
    private static final long UNHANDLED = 0x51;

    @TempDir
    Path dir;
    private final VmManagerImpl mgr = VmManagerImpl.create();
    private final AtomicInteger halts = new AtomicInteger();

    @AfterEach
    void close() {
        mgr.close();
    }

    /** Hypercall 0x51 stops the VM the first time it is seen; everything else goes to the toy handler. */
    private VmManagerImpl withHaltingHandler(VmManagerImpl m) {
        HcallHandler toy = new HcallHandler();
        ExitHandler halting = (ctx, exit) -> {
            if (exit instanceof ToyExit t && t.imm() == UNHANDLED) {
                return halts.getAndIncrement() == 0
                        ? new ExitAction.Halt("unknown exit, hardware reason 0x" + Long.toHexString(t.imm()))
                        : ExitAction.RESUME;
            }
            return toy.handle(ctx, exit);
        };
        m.addArchitecture(new ToyArchitecture());
        m.addExitHandler(halting, "test", new String[] {"HCALL"}, 0);
        return m;
    }

    private Path program() {
        return ToyProgram.builder().li(1, 5).hcall(UNHANDLED).addi(1, 1).print("after\n").halt(0)
                .writeTo(dir.resolve("halt.elf"));
    }

    @Test
    void haltStopsTheVmWithItsStateKeptAndResumeContinuesIt() throws Exception {
        int id = withHaltingHandler(mgr).create(VmConfig.of("test", 1 << 20, 1, program()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mgr.attachConsole(id, out::write);
        mgr.start(id);

        VmInfo stopped = mgr.awaitTermination(id, 20_000); // returns once the VM waits for the user
        assertEquals(VmState.INTERNAL_ERROR, stopped.state(), stopped.toString());
        assertTrue(stopped.error().contains("unknown exit, hardware reason 0x51"), stopped.error());
        assertTrue(stopped.error().contains("vCPU 0"), stopped.error());
        assertEquals("", stopped.waitingFor());
        assertEquals("", out.toString(StandardCharsets.ISO_8859_1), "nothing ran after the halting exit");
        assertEquals(5L, mgr.registers(id).get(0).get("r1"), "registers readable, state as at the exit");
        assertTrue(mgr.saveSnapshot(id, dir.resolve("err.pvsnap")).length() > 0);
        VmException pause = assertThrows(VmException.class, () -> mgr.pause(id));
        assertTrue(pause.getMessage().contains("INTERNAL_ERROR"), pause.getMessage());

        mgr.resume(id);
        VmInfo done = mgr.awaitTermination(id, 20_000);
        assertEquals(VmState.STOPPED, done.state(), done.toString());
        assertEquals(0, done.exitStatus());
        assertEquals("", done.error(), "the reason goes with the error state");
        assertEquals("after\n", out.toString(StandardCharsets.ISO_8859_1));
        assertEquals(1, halts.get());
    }

    @Test
    void aSnapshotTakenInTheErrorStateRestoresPausedAndRunsOn() throws Exception {
        int id = withHaltingHandler(mgr).create(VmConfig.of("test", 1 << 20, 1, program()));
        mgr.start(id);
        assertEquals(VmState.INTERNAL_ERROR, mgr.awaitTermination(id, 20_000).state());
        Path snap = dir.resolve("err.pvsnap");
        mgr.saveSnapshot(id, snap);
        mgr.stop(id);

        try (VmManagerImpl other = withHaltingHandler(VmManagerImpl.create())) {
            int restored = other.restoreSnapshot(snap);
            assertEquals(VmState.PAUSED, other.info(restored).state());
            assertEquals(5L, other.registers(restored).get(0).get("r1"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            other.attachConsole(restored, out::write);
            other.resume(restored);
            VmInfo done = other.awaitTermination(restored, 20_000);
            assertEquals(VmState.STOPPED, done.state(), done.toString());
            assertEquals("after\n", out.toString(StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void resumeRefusesAVmThatIsNeitherPausedNorInError() throws Exception {
        Path elf = ToyPrograms.checksum(dir, 1_000_000);
        int id = withHaltingHandler(mgr).create(VmConfig.of("test", 1 << 20, 1, elf));
        VmException e = assertThrows(VmException.class, () -> mgr.resume(id));
        assertTrue(e.getMessage().contains("CREATED"), e.getMessage());
    }
}
