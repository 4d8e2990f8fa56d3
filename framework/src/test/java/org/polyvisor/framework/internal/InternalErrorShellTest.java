package org.polyvisor.framework.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;

/**
 * The INTERNAL_ERROR state as the shell shows it, on a two-vCPU VM: vCPU 0 returns an exit its handler cannot
 * handle ({@link ExitAction.Halt}), vCPU 1 idles; both park, {@code pv:list} shows the reason, {@code pv:regs}
 * works, {@code pv:resume} continues. The architecture and machine are Mockito mocks.
 */
class InternalErrorShellTest {
    private final VmManagerService service = new VmManagerService();
    private final VmManagerImpl mgr = service.impl();
    private final ShellCommands shell = new ShellCommands(service, null);
    private final AtomicInteger unknownExits = new AtomicInteger();

    @AfterEach
    void close() {
        mgr.close();
    }

    record UnknownExit(String exitClass) implements Exit.ArchExit {
    }

    /** vCPU 0 returns one UNKNOWN exit, then idles like vCPU 1 (a guest in WFI) until kicked. */
    private static final class OnceVcpu extends IdleVcpu {
        private boolean exited;

        OnceVcpu(int index) {
            super(index);
        }

        @Override
        protected Exit firstExit() {
            if (index() == 0 && !exited) {
                exited = true;
                return new UnknownExit("UNKNOWN");
            }
            return null;
        }
    }

    private static Architecture twoVcpus() {
        Architecture arch = mock(Architecture.class);
        when(arch.id()).thenReturn("err");
        when(arch.createMachine(any())).thenAnswer(inv -> {
            Machine m = mock(Machine.class);
            Vcpu v0 = new OnceVcpu(0);
            Vcpu v1 = new OnceVcpu(1);
            when(m.vcpuCount()).thenReturn(2);
            when(m.vcpu(0)).thenReturn(v0);
            when(m.vcpu(1)).thenReturn(v1);
            when(m.exportState()).thenReturn(StateSnapshot.builder("err.machine", 1).build());
            return m;
        });
        return arch;
    }

    @Test
    void listShowsTheReasonAndResumeContinues() throws Exception {
        mgr.addArchitecture(twoVcpus());
        mgr.addExitHandler((ctx, exit) -> {
            unknownExits.incrementAndGet();
            return new ExitAction.Halt("unknown exit, hardware reason 0x2a at PC 0x1000");
        }, "err", new String[] {"UNKNOWN"}, 0);
        int id = mgr.create(new VmConfig("vm", "err", 1 << 20, 2, null, Map.of()));
        mgr.start(id);

        VmInfo info = mgr.awaitTermination(id, 10_000); // returns once both vCPUs are parked
        assertEquals(VmState.INTERNAL_ERROR, info.state(), info.toString());
        String list = shell.list();
        assertTrue(list.contains("INTERNAL_ERROR"), list);
        assertTrue(list.contains("stopped: vCPU 0: unknown exit, hardware reason 0x2a at PC 0x1000 (state kept;"
                + " pv:resume continues)"), list);
        long stoppedAt = mgr.guestNanos(id);
        VmClockTest.letHostTimePass(30);
        assertEquals(stoppedAt, mgr.guestNanos(id), "the guest clock stands still in INTERNAL_ERROR");
        String regs = shell.regs(id);
        assertTrue(regs.contains("vCPU 1:") && regs.contains("0000000000001001"), regs);

        assertEquals("VM " + id + " resumed", shell.resume(id));
        assertEquals(VmState.RUNNING, mgr.info(id).state());
        assertEquals("", mgr.info(id).error());
        assertFalse(shell.list().contains("stopped:"), shell.list());
        assertEquals(1, unknownExits.get());
        assertEquals(1L, mgr.exitCounts(id).get("UNKNOWN"));
    }
}
