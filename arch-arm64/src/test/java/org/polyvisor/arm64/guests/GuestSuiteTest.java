package org.polyvisor.arm64.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.testing.Guests;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.standalone.StandaloneHypervisor;
import org.polyvisor.testkit.Golden;

/**
 * Every committed guest, run through the framework's VM manager exactly as the OSGi services would be wired (one
 * manager for the whole suite, as one runtime hosts many VMs), prints its golden file and powers off with status 0.
 */
class GuestSuiteTest {
    private static StandaloneHypervisor hypervisor;

    @BeforeAll
    static void hypervisor() {
        hypervisor = HypVm.registerHandlers(new StandaloneHypervisor().add(new Arm64Architecture()));
    }

    @AfterAll
    static void close() {
        hypervisor.close();
    }

    static Stream<String> guests() throws Exception {
        return Guests.withGoldenFiles();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guests")
    void guestPrintsItsGoldenOutput(String name) throws Exception {
        Path elf = Guests.dir().resolve(name + ".elf");
        VmManager manager = hypervisor.vms();
        int id = manager.create(VmConfig.of("arm64", 128L << 20, Guests.smp(name), elf).withName(name));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AutoCloseable console = manager.attachConsole(id, b -> {
            synchronized (out) {
                out.write(b);
            }
        });
        try {
            manager.start(id);
            VmInfo info = manager.awaitTermination(id, 60_000);
            assertEquals(VmState.STOPPED, info.state(), name + ": " + info.error());
            assertEquals(0, info.exitStatus(), name + " exit status");
        } finally {
            console.close();
        }
        synchronized (out) {
            Golden.assertSameBytes(Golden.expected(elf), out.toByteArray(), name + " console");
        }
        manager.destroy(id);
    }
}
