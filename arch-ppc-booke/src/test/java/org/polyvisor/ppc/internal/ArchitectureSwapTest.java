package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
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
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (AutoCloseable c = mgr.attachConsole(id, b -> {
                synchronized (out) {
                    out.write(b);
                }
            })) {
                mgr.start(id);
                long deadline = System.currentTimeMillis() + 30_000;
                while (System.currentTimeMillis() < deadline) { // swap once the guest has printed something
                    synchronized (out) {
                        if (out.size() > 0) {
                            break;
                        }
                    }
                    Thread.sleep(1);
                }
                mgr.removeArchitecture(first);
                assertEquals(VmState.WAITING, mgr.info(id).state(), "the swap must happen mid-run");
                Thread.sleep(50);
                mgr.addArchitecture(new PpcArchitecture());
                VmInfo info = mgr.awaitTermination(id, 60_000);
                assertEquals(VmState.STOPPED, info.state(), info.error());
                synchronized (out) {
                    assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1));
                }
            }
        }
    }
}
