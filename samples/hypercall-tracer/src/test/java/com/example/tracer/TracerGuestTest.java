package com.example.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.polyvisor.testkit.Await;
import org.polyvisor.testkit.GuestRun;
import org.polyvisor.testkit.GuestRunner;

/**
 * The tracer under a real guest, in-process (the test kit runs the framework's VM manager with the arm64 bundle, no
 * Felix): {@code hvcticker} makes two PSCI calls a round until it reads a 'q'. The tracer must see every call the
 * hypervisor handled, with PSCI's answers, and the guest must print what it prints untraced.
 */
class TracerGuestTest {
    private static final long PSCI_VERSION = 0x8400_0000L;

    private static Path guest() throws URISyntaxException {
        return Path.of(TracerGuestTest.class.getResource("/hvcticker.elf").toURI());
    }

    @Test
    void tracesEveryPsciCallOfARunningGuestWithoutChangingIt() throws Exception {
        HypercallTracer tracer = new HypercallTracer();
        AtomicInteger id = new AtomicInteger();

        GuestRun run = GuestRunner.installed("arm64").observer(tracer).run(guest(), Duration.ofSeconds(60),
                (hv, vm) -> {
                    id.set(vm);
                    Await.atLeast("hypercalls traced", () -> tracer.calls(vm), 200, Duration.ofSeconds(30));
                    hv.typeConsole(vm, "q".getBytes(StandardCharsets.US_ASCII));
                }).assertPoweredOff();

        long rounds = Ticker.checkComplete(run.console());
        long hvcs = run.exits().getOrDefault("HVC64", 0L);
        // two PSCI calls a round, and PSCI SYSTEM_OFF when main returns
        assertEquals(2 * rounds + 1, hvcs, "exits: " + run.exits());
        assertEquals(hvcs, tracer.calls(id.get()), tracer.show());
        List<Hypercall> recent = tracer.recent(id.get());
        Hypercall version = recent.stream().filter(c -> c.function() == PSCI_VERSION).findFirst().orElseThrow();
        assertEquals(0x1_0001L, version.result(), version.line());
        assertTrue(tracer.show(id.get()).contains("HVC64 PSCI_FEATURES"), tracer.show(id.get()));
    }
}
