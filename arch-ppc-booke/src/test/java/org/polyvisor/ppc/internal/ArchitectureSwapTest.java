package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.framework.internal.VmManagerImpl;

/**
 * The architecture service goes away mid-run and a new instance registers (bundle update): the framework exports
 * the machine and vCPU state through the old one and imports it into a machine of the new one; the guest finishes
 * with the same output.
 */
class ArchitectureSwapTest {
    @Test
    void guestSurvivesAnArchitectureSwap() throws Exception {
        // swapload runs about a second with the block compiler (crc32 could finish before the swap on a quiet machine)
        String expected = Files.readString(GuestRun.guestDir().resolve("swapload.expected"),
                StandardCharsets.ISO_8859_1);
        PpcArchitecture first = new PpcArchitecture();
        try (VmManagerImpl mgr = GuestRun.manager(first)) {
            int id = mgr.create(VmConfig.of("ppc-booke", GuestRun.RAM, 1, GuestRun.elf("swapload")));
            ConsoleCapture out = new ConsoleCapture();
            try (AutoCloseable c = mgr.attachConsole(id, out)) {
                mgr.start(id);
                // swap once the guest has printed something
                assertTrue(out.awaitSize(1, 30_000), "no guest output within 30 s; VM " + mgr.info(id));
                mgr.removeArchitecture(first);
                assertEquals(VmState.WAITING, mgr.info(id).state(), "the swap must happen mid-run");
                // without an architecture the guest makes no progress: its output must not grow
                int printed = out.size();
                assertFalse(out.awaitSize(printed + 1, 50), "guest printed while no architecture was registered: "
                        + out.text());
                mgr.addArchitecture(new PpcArchitecture());
                VmInfo info = mgr.awaitTermination(id, 60_000);
                assertEquals(VmState.STOPPED, info.state(), info.error());
                assertEquals(expected, out.text());
            }
        }
    }
}
