package org.polyvisor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmState;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.Vcpu;

/**
 * The test kit drives the framework's real VM manager: an architecture whose vCPU makes one hypercall, prints through
 * the console and powers off. Mockito stands in for the architecture (the kit must not care which one it runs).
 */
class GuestRunnerTest {
    private Architecture architecture(Vcpu vcpu) {
        return KitArchitecture.mocked(vcpu, ctx -> {
        });
    }

    /** A real committed ELF; the mocked machine does not load it, the framework only reads its header. */
    private static Path image() {
        return GuestFiles.elf("arm64", "hello");
    }

    @Test
    void runsTheGuestDispatchingItsExitsToTheHandler() {
        Vcpu vcpu = mock(Vcpu.class);
        ExitHandler handler = mock(ExitHandler.class);
        when(handler.handle(any(), any())).thenReturn(ExitAction.RESUME);

        GuestRun r = GuestRunner.on(architecture(vcpu)).handler(handler, "HCALL").run(image(), Duration.ofSeconds(30))
                .assertPoweredOff();

        assertEquals("ok", r.console());
        assertEquals(1L, r.exits().get("HCALL"), "exit counts: " + r.exits());
        verify(handler).handle(any(), any(KitArchitecture.Hcall.class));
    }

    @Test
    void anExitNobodyHandlesFailsTheVmAndSaysWhich() {
        GuestRun r = GuestRunner.on(architecture(mock(Vcpu.class))).run(image(), Duration.ofSeconds(30));

        assertEquals(VmState.FAILED, r.info().state());
        assertTrue(r.info().error().contains("HCALL"), r.info().error());
        AssertionError e = assertThrows(AssertionError.class, r::assertPoweredOff);
        assertTrue(e.getMessage().contains("FAILED"), e.getMessage());
    }
}
