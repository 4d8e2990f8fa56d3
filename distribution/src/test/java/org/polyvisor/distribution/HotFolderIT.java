package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Felix FileInstall watching a hot folder: a rebuilt architecture jar dropped there replaces the running bundle of
 * the same symbolic name while a VM runs, and the guest's output is unchanged.
 */
class HotFolderIT {
    @Test
    void aJarDroppedIntoTheHotFolderSwapsTheArchitectureUnderLoad(@TempDir Path dir) throws Exception {
        Path hot = Files.createDirectory(dir.resolve("hot"));
        Path fileinstall;
        try (var s = Files.list(Dist.HOME.resolve("bundles/shell"))) {
            fileinstall = s.filter(p -> p.getFileName().toString().startsWith("org.apache.felix.fileinstall"))
                    .findFirst().orElseThrow();
        }
        try (HotSwapSupport felix = HotSwapSupport.start(List.of(fileinstall), Map.of("felix.fileinstall.dir",
                hot.toString(), "felix.fileinstall.poll", "200", "felix.fileinstall.noInitialDelay", "true"))) {
            Path image = HotSwapSupport.busyGuest(dir, 1_500);
            String expected = felix.awaitStoppedAndConsole(felix.createAndStart(image), 120_000);
            int vm = felix.createAndStart(image);
            int bundlesBefore = felix.framework().getBundleContext().getBundles().length;
            for (int i = 1; i <= 3; i++) {
                String version = "0.1.0.hot" + i;
                Path tmp = dir.resolve("testarch.jar.tmp");
                Files.write(tmp, HotSwapSupport.withVersion(felix.testarchJarBytes(), version));
                Files.move(tmp, hot.resolve("polyvisor-testarch.jar"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                felix.waitFor("testarch " + version + " from the hot folder", () -> felix.bundle(HotSwapSupport.TESTARCH).getVersion().toString().equals(version)
                        && felix.architectureRegistered("test"), 20_000);
                assertEquals(version, felix.bundle(HotSwapSupport.TESTARCH).getVersion().toString(),
                        "the installed bundle was replaced, round " + i);
            }
            assertEquals(bundlesBefore, felix.framework().getBundleContext().getBundles().length,
                    "no second copy of the bundle was installed");
            assertEquals(expected, felix.awaitStoppedAndConsole(vm, 120_000));
            assertTrue(felix.swapPausesMicros(vm).size() >= 1, "the VM was paused by the swaps");
        }
    }
}
