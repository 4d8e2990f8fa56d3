package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitObserver;
import org.polyvisor.testkit.Golden;
import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.GuestRun;
import org.polyvisor.testkit.GuestRunner;

/**
 * The arm64 bundle as a plugin author's test sees it: {@link GuestRunner#installed} builds the architecture and its
 * own handlers from the bundle's component descriptions, and an {@link ExitObserver} sees every PSCI call (with the
 * guest's function ID before the handler and PSCI's answer after it) while the guest prints exactly what it prints
 * without an observer.
 */
class ExitObserverGuestTest {
    private static final long PSCI_VERSION = 0x8400_0000L;
    private static final long PSCI_1_1 = 0x1_0001L;

    private record Call(String exitClass, long x0Before, long x0After) {
    }

    private static final class Recorder implements ExitObserver {
        final List<Call> calls = new ArrayList<>();
        /** x0 at entry, per vCPU: each vCPU's exits come on its own thread, one at a time. */
        private final long[] x0 = new long[2];

        @Override
        public void exitEntered(ExitContext context, Exit.ArchExit exit) {
            x0[context.vcpu().index()] = context.vcpu().registers().get("x0");
        }

        @Override
        public void exitHandled(ExitContext context, Exit.ArchExit exit, ExitAction action, long handlerNanos) {
            assertTrue(handlerNanos >= 0, "handler time " + handlerNanos);
            synchronized (calls) {
                calls.add(new Call(exit.exitClass(), x0[context.vcpu().index()], context.vcpu().registers().get("x0")));
            }
        }
    }

    @Test
    void anArchitectureThatIsNotOnTheClassPathIsNamedWithWhatToAdd() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuestRunner.installed("ppc-booke"));
        assertTrue(e.getMessage().contains("no architecture 'ppc-booke' on the class path"), e.getMessage());
    }

    @Test
    void anObserverSeesEveryPsciCallAndTheGuestSeesNoDifference() throws Exception {
        Path elf = GuestFiles.elf("arm64", "psci");
        Recorder recorder = new Recorder();

        GuestRun r = GuestRunner.installed("arm64").vcpus(2).observer(recorder).run(elf, Duration.ofSeconds(60))
                .assertPoweredOff();

        Golden.assertSameBytes(Golden.expected(elf), r.console(), "psci console under an observer");
        long hvcs = r.exits().getOrDefault("HVC64", 0L);
        long observed = recorder.calls.stream().filter(c -> c.exitClass().equals("HVC64")).count();
        assertTrue(hvcs > 5, "exit counts: " + r.exits());
        assertEquals(hvcs, observed, "observed calls: " + recorder.calls);
        Call first = recorder.calls.stream().filter(c -> c.exitClass().equals("HVC64")).findFirst().orElseThrow();
        assertEquals(PSCI_VERSION, first.x0Before(), "first call: " + first);
        assertEquals(PSCI_1_1, first.x0After(), "first call: " + first);
    }
}
