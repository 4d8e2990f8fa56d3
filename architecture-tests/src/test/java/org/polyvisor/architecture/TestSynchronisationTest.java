package org.polyvisor.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/**
 * Tests synchronise on what they can observe (console output, counters, VM and thread states), never on sleeps: a
 * sleep either wastes time or, on a loaded CI machine, is too short and makes the test flaky. Benchmarks (packages
 * named {@code bench}) may pace a load with a sleep.
 */
class TestSynchronisationTest {
    private static final String[] MODULES = {"framework", "arch-arm64", "arch-ppc-booke", "device-pl031", "testarch",
        "distribution"};

    @Test
    void noTestSleeps() {
        noClasses().that().resideOutsideOfPackage("..bench..")
                .should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Thread.class, "sleep", long.class, int.class)
                .orShould().callMethod(Thread.class, "sleep", Duration.class)
                .orShould().callMethod(TimeUnit.class, "sleep", long.class)
                .because("a test waits for an observable condition with a timeout that fails and says what it saw")
                .check(testClasses());
    }

    private static JavaClasses testClasses() {
        List<Path> dirs = new ArrayList<>();
        for (String m : MODULES) {
            Path d = Path.of("..", m, "target", "test-classes");
            if (!Files.isDirectory(d)) {
                throw new AssertionError(d.toAbsolutePath().normalize() + " is missing: build the modules' tests first");
            }
            dirs.add(d);
        }
        return new ClassFileImporter().importPaths(dirs);
    }
}
