package org.polyvisor.arm64.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyvisor.arm64.testing.Guests;
import org.polyvisor.arm64.testing.LocalVm;

/** Every committed guest prints exactly its golden file and powers off with status 0. */
class GuestSuiteTest {
    static Stream<String> guests() throws Exception {
        return Guests.withGoldenFiles();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guests")
    void guestPrintsItsGoldenOutput(String name) throws Exception {
        Path dir = Guests.dir();
        String expected = Files.readString(dir.resolve(name + ".expected"), StandardCharsets.ISO_8859_1);
        LocalVm.Result r = LocalVm.run(dir.resolve(name + ".elf"), 60_000);
        assertEquals(expected, r.console(), name + " console");
        assertEquals(null, r.failure(), name + " failure");
        assertEquals(0, r.status(), name + " exit status");
    }
}
