package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmState;
import org.polyvisor.testkit.Await;
import org.polyvisor.testkit.Golden;

/**
 * The architecture service goes away mid-run and a new instance registers (bundle update): the framework exports
 * the machine and vCPU state through the old one and imports it into a machine of the new one; the guest finishes
 * with the same output.
 */
class ArchitectureSwapTest {
    @Test
    void guestSurvivesAnArchitectureSwap() throws Exception {
        // swapload runs about a second with the block compiler (crc32 could finish before the swap on a quiet machine)
        PpcArchitecture first = new PpcArchitecture();
        var run = GuestRun.runner(first).run(GuestRun.elf("swapload"), Duration.ofSeconds(60), (hv, id) -> {
            ConsoleCapture out = new ConsoleCapture();
            try (AutoCloseable c = hv.vms().attachConsole(id, out)) {
                // swap once the guest has printed something
                Await.until("guest output", () -> out.size() > 0, Duration.ofSeconds(30),
                        () -> "VM " + hv.vms().info(id));
                hv.remove(first);
                assertEquals(VmState.WAITING, hv.vms().info(id).state(), "the swap must happen mid-run");
                // without an architecture the guest makes no progress: its output must not grow
                int printed = out.size();
                assertFalse(out.awaitSize(printed + 1, 50), "guest printed while no architecture was registered: "
                        + out.text());
                hv.add(new PpcArchitecture());
            }
        });
        assertEquals(VmState.STOPPED, run.info().state(), run.info().error());
        Golden.assertSameBytes(Golden.expected(GuestRun.elf("swapload")), run.console(), "swapload across a swap");
    }
}
