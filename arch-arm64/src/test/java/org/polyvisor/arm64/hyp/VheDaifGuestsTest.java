package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.framework.internal.VmManagerImpl;

/**
 * The vhe.daif designs change only the host's DAIF: under each of them the guests still print exactly QEMU's output
 * (the same .expected files as HypGuestsTest), through the VM manager as the OSGi runtime runs them.
 */
class VheDaifGuestsTest {
    @ParameterizedTest(name = "vhe.daif={0}")
    @ValueSource(strings = {"upstream", "leak", "saverestore", "clear-d-a-f"})
    void guestsMatchQemuUnderEveryDesign(String design) throws Exception {
        for (String guest : new String[] {"psci", "gictimer"}) {
            int smp = guest.equals("psci") ? 2 : 1;
            Path dir = HypVm.guestDir();
            String expected = Files.readString(dir.resolve(guest + ".expected"), StandardCharsets.ISO_8859_1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (VmManagerImpl mgr = new VmManagerImpl()) {
                mgr.addArchitecture(new Arm64Architecture());
                HypVm.registerHandlers(mgr);
                int id = mgr.create(VmConfig.of("arm64", 128L << 20, smp, dir.resolve(guest + ".elf"))
                        .withOption("host", "vhe").withOption("vhe.daif", design));
                VmInfo info;
                try (AutoCloseable c = mgr.attachConsole(id, b -> {
                    synchronized (out) {
                        out.write(b);
                    }
                })) {
                    mgr.start(id);
                    info = mgr.awaitTermination(id, 30_000);
                }
                assertEquals(VmState.STOPPED, info.state(), guest + " under " + design + ": " + info);
                synchronized (out) {
                    assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1), guest + " under " + design);
                }
            }
        }
    }
}
