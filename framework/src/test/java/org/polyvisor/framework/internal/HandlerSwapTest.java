package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmState;
import org.polyvisor.spi.ExitHandler;

/**
 * The swap coordinator around exit handlers, against mocked services: a VM is held while an exit class it had a
 * handler for has none, and only the VMs of that handler's architecture are.
 */
class HandlerSwapTest {
    private final VmManagerImpl mgr = VmManagerImpl.create();

    @AfterEach
    void close() {
        mgr.close();
    }

    private int started() {
        int id = mgr.create(new VmConfig("h", "idle", 1 << 20, 1, null, Map.of()));
        mgr.start(id);
        return id;
    }

    @Test
    void aVmWaitsWhileItsArchitecturesHandlerIsAwayAndContinuesWhenOneIsBack() {
        mgr.addArchitecture(GuestClockTest.architectureWithId("idle"));
        mgr.addArchitecture(GuestClockTest.architectureWithId("other"));
        ExitHandler first = mock(ExitHandler.class);
        ExitHandler elsewhere = mock(ExitHandler.class);
        mgr.addExitHandler(first, "idle", new String[] {"HCALL"}, 0);
        mgr.addExitHandler(elsewhere, "other", new String[] {"HCALL"}, 0);
        int id = started();
        int bystander = mgr.create(new VmConfig("o", "other", 1 << 20, 1, null, Map.of()));
        mgr.start(bystander);

        mgr.removeExitHandler(first, "idle");
        assertEquals(VmState.WAITING, mgr.info(id).state());
        assertEquals("exit handlers of idle", mgr.info(id).waitingFor());
        assertEquals(VmState.RUNNING, mgr.info(bystander).state(), "another architecture's VM is not held");

        mgr.addExitHandler(mock(ExitHandler.class), "idle", new String[] {"HCALL"}, 0);
        assertEquals(VmState.RUNNING, mgr.info(id).state());
        assertEquals("", mgr.info(id).waitingFor());
        verifyNoInteractions(first, elsewhere); // the idle guests never exit: no handler was called
    }
}
