package org.polyvisor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmConfig;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.Vcpu;

/** One machine on the calling thread: exits step by step, observers, and the guest clock the test passes. */
class MachineRunnerTest {
    /** A clock that stands at 42 ns: the machine must get this one, not the host's. */
    private static final GuestClock STOPPED = new GuestClock() {
        @Override
        public long nanos() {
            return 42;
        }

        @Override
        public long hostNanosAt(long guestNanos) {
            return Long.MAX_VALUE;
        }
    };

    private final AtomicReference<MachineContext> seen = new AtomicReference<>();

    private Architecture architecture(Vcpu vcpu) {
        return KitArchitecture.mocked(vcpu, seen::set);
    }

    @Test
    void stepsReturnEachExitAfterTheObserversSawIt() {
        List<Exit> observed = new ArrayList<>();
        try (MachineRunner r = new MachineRunner(architecture(mock(Vcpu.class)), VmConfig.of("kit", 1 << 20, 1,
                null), STOPPED).onExit(observed::add)) {
            assertInstanceOf(KitArchitecture.Hcall.class, r.step());
            assertInstanceOf(Exit.Shutdown.class, r.step());
            assertEquals(2, observed.size(), "observed: " + observed);
            assertEquals("ok", r.console());
            assertSame(STOPPED, seen.get().clock());
        }
    }

    @Test
    void runDispatchesToHandlersUntilShutdown() {
        List<Exit> observed = new ArrayList<>();
        try (MachineRunner r = new MachineRunner(architecture(mock(Vcpu.class)), VmConfig.of("kit", 1 << 20, 1,
                null), GuestClock.HOST).onExit(observed::add).handler((c, e) -> ExitAction.RESUME, "HCALL")) {
            MachineRunner.Result result = r.run(Duration.ofSeconds(30));
            assertNull(result.failure());
            assertEquals(0, result.status());
            assertEquals("ok", result.console());
            assertEquals(2, observed.size(), "observed: " + observed);
        }
    }
}
