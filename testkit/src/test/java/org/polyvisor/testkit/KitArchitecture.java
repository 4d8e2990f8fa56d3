package org.polyvisor.testkit;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;

/**
 * A Mockito architecture ("kit") whose one-vCPU machines make one {@link Hcall} exit, print "ok" and power off: the
 * test kit must not care which architecture it runs.
 */
final class KitArchitecture {
    /** The architecture-specific exit the mocked vCPU makes first. */
    record Hcall() implements Exit.ArchExit {
        @Override
        public String exitClass() {
            return "HCALL";
        }
    }

    private KitArchitecture() {
    }

    /** The architecture; {@code onCreate} sees the context of every machine it builds. */
    static Architecture mocked(Vcpu vcpu, Consumer<MachineContext> onCreate) {
        Architecture arch = mock(Architecture.class);
        when(arch.id()).thenReturn("kit");
        when(arch.capabilities()).thenReturn(new ArchCapabilities("kit", "test kit architecture",
                ArchCapabilities.NO_ELF_MACHINE, Map.of(), List.of()));
        when(arch.createMachine(any())).thenAnswer(inv -> {
            MachineContext ctx = inv.getArgument(0);
            onCreate.accept(ctx);
            Machine m = mock(Machine.class);
            when(m.vcpuCount()).thenReturn(1);
            when(m.vcpu(anyInt())).thenReturn(vcpu);
            when(m.exportState()).thenReturn(StateSnapshot.builder("kit", 1).build());
            when(vcpu.run()).thenReturn(new Hcall()).thenAnswer(i -> {
                ctx.console().write('o');
                ctx.console().write('k');
                return new Exit.Shutdown(0, "done");
            });
            return m;
        });
        return arch;
    }
}
