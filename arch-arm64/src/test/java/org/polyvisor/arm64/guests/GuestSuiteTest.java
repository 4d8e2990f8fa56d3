package org.polyvisor.arm64.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmState;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.testing.Guests;
import org.polyvisor.arm64.testing.HypVm;
import org.polyvisor.framework.internal.VmManagerImpl;

/**
 * Every committed guest, run through the framework's VmManagerImpl exactly as the OSGi services would be wired,
 * prints its golden file and powers off with status 0.
 */
class GuestSuiteTest {
    private static VmManagerImpl manager;

    @BeforeAll
    static void manager() {
        manager = new VmManagerImpl();
        manager.addArchitecture(new Arm64Architecture());
        HypVm.registerHandlers(manager);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Stream<String> guests() throws Exception {
        return Guests.withGoldenFiles();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guests")
    void guestPrintsItsGoldenOutput(String name) throws Exception {
        Path dir = Guests.dir();
        String expected = Files.readString(dir.resolve(name + ".expected"), StandardCharsets.ISO_8859_1);
        int id = manager.create(VmConfig.of("arm64", 128L << 20, Guests.smp(name), dir.resolve(name + ".elf")).withName(name));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AutoCloseable console = manager.attachConsole(id, out::write);
        try {
            manager.start(id);
            VmInfo info = manager.awaitTermination(id, 60_000);
            assertEquals(VmState.STOPPED, info.state(), name + ": " + info.error());
            assertEquals(0, info.exitStatus(), name + " exit status");
        } finally {
            console.close();
        }
        assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1), name + " console");
        manager.destroy(id);
    }
}
