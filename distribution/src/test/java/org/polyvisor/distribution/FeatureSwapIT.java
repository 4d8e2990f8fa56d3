package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/**
 * A feature bundle swapped under running VMs, in a Felix of its own: installing and removing the feature rebuilds
 * every arm64 VM's machine, so it would change the state the other hot-swap tests share.
 */
class FeatureSwapIT {
    static HotSwapSupport felix;

    @BeforeAll
    static void startFelix() throws Exception {
        felix = HotSwapSupport.start();
    }

    @AfterAll
    static void stopFelix() {
        if (felix != null) {
            felix.close();
        }
    }

    /**
     * A feature bundle of the kind feature-spe will be (the test-only testfeature: a system register for arm64 vCPUs
     * through the arm64 SPI). Two arm64 VMs run featreg, which checks every round that the register still holds what
     * it wrote, while the feature bundle is updated 10 times in place and swapped 3 times side by side; then the arm64
     * bundle itself is swapped side by side although the feature is wired to its SPI: pv:swap starts a new copy of the
     * feature next to the new arm64 revision, so the VMs move with the feature's registers in one pause. The output
     * must equal the uninterrupted run's (lost=0).
     */
    @Test
    void aFeatureBundlesSystemRegisterSurvivesUpdatesOfTheFeatureAndOfTheArchitecture(@TempDir Path dir)
            throws Exception {
        String sysRegTable = "org.polyvisor.arm64.spi.SysRegTable";
        Path featureJar;
        try (var s = Files.list(Dist.OPTIONAL_BUNDLES)) {
            featureJar = s.filter(p -> p.getFileName().toString().startsWith("polyvisor-testfeature")).findFirst()
                    .orElseThrow();
        }
        byte[] jar = Files.readAllBytes(featureJar);
        Bundle feature = felix.framework().getBundleContext().installBundle(featureJar.toUri().toString());
        int[] vms = new int[2];
        try {
            feature.start();
            felix.waitFor("the feature's " + sysRegTable + " service", () -> felix.serviceRegistered(sysRegTable),
                    10_000);
            String bsn = feature.getSymbolicName();
            for (int i = 0; i < vms.length; i++) {
                vms[i] = felix.createAndStart("arm64", "128M", Dist.guest("arm64/featreg"));
            }
            int swapsWhileRunning = 0;
            ReplacedLoaders replaced = new ReplacedLoaders();
            for (int i = 1; i <= 13; i++) {
                if (felix.state(vms[0]).equals("RUNNING")) {
                    swapsWhileRunning++;
                }
                replaced.add(felix.bundle(bsn));
                if (i <= 10) {
                    felix.updateBundle(bsn, jar, "0.1.0.feat" + i, () -> felix.serviceRegistered(sysRegTable));
                } else {
                    Path file = dir.resolve("feature-" + i + ".jar");
                    Files.write(file, HotSwapSupport.withVersion(jar, "0.1.0.feat" + i));
                    String out = felix.gogo("pv:swap " + bsn + " " + file);
                    assertTrue(out.contains("side by side"), out);
                }
            }
            assertTrue(swapsWhileRunning >= 6, "only " + swapsWhileRunning + " of 13 feature swaps hit a running VM");
            // the VMs' machines were rebuilt with each new revision's registers: none keeps an old revision alive
            List<String> alive = replaced.reachableAfterGc(Duration.ofSeconds(20));
            assertEquals(List.of(), alive, "of 13 replaced feature revisions, these class loaders are still reachable");
            assertEquals("RUNNING", felix.state(vms[0]), "the architecture swap must hit a running VM");
            Path armJar = dir.resolve("arm64.jar");
            Files.write(armJar, HotSwapSupport.withVersion(HotSwapSupport.distributionJar("polyvisor-arch-arm64"),
                    "0.1.0.withfeature"));
            String out = felix.gogo("pv:swap org.polyvisor.arch.arm64 " + armJar);
            assertTrue(out.contains("side by side") && out.contains("org.polyvisor.testfeature") && out.contains("renewed"),
                    out);
            felix.waitFor("arm64 and the feature's " + sysRegTable + " after the arm64 swap",
                    () -> felix.architectureRegistered("arm64") && felix.serviceRegistered(sysRegTable), 10_000);
            for (int id : vms) {
                assertEquals(Dist.golden("arm64/featreg"), felix.awaitStoppedAndConsole(id, 180_000),
                        "console of arm64 VM " + id);
            }
        } finally {
            for (int id : vms) {
                if (id != 0) {
                    felix.gogo("pv:destroy " + id);
                }
            }
            Bundle current = felix.bundle("org.polyvisor.testfeature");
            current.uninstall();
            felix.refresh(current);
        }
    }

    /**
     * The same feature bundle's ppc-booke SPRs (org.polyvisor.ppc.spi): a ppc-booke VM runs featsprlong, a
     * read-increment-write loop on a contributed SPR, while the feature bundle is updated in place 5 times (each
     * update unregisters the table, so the VM waits for it, and registers the new revision's, so its machine is
     * rebuilt with the SPR values carried over). The loop's final count in the output shows that no increment was
     * lost, and no replaced revision of the feature stays reachable.
     */
    @Test
    void aFeatureBundlesSprSurvivesUpdatesOfTheFeatureUnderARunningPpcVm() throws Exception {
        String sprTable = "org.polyvisor.ppc.spi.BookeSprTable";
        Path featureJar;
        try (var s = Files.list(Dist.OPTIONAL_BUNDLES)) {
            featureJar = s.filter(p -> p.getFileName().toString().startsWith("polyvisor-testfeature")).findFirst()
                    .orElseThrow();
        }
        byte[] jar = Files.readAllBytes(featureJar);
        Bundle feature = felix.framework().getBundleContext().installBundle(featureJar.toUri().toString());
        int vm = 0;
        try {
            feature.start();
            felix.waitFor("the feature's " + sprTable + " service", () -> felix.serviceRegistered(sprTable), 10_000);
            String bsn = feature.getSymbolicName();
            vm = felix.createAndStart("ppc-booke", "128M", Dist.guest("ppc/featsprlong"));
            int id = vm;
            felix.waitFor("the guest's loop", () -> console(id).contains("loop"), 60_000);
            int swapsWhileRunning = 0;
            ReplacedLoaders replaced = new ReplacedLoaders();
            for (int i = 1; i <= 5; i++) {
                if (felix.state(vm).equals("RUNNING")) {
                    swapsWhileRunning++;
                }
                replaced.add(felix.bundle(bsn));
                felix.updateBundle(bsn, jar, "0.1.0.spr" + i, () -> felix.serviceRegistered(sprTable));
            }
            assertTrue(swapsWhileRunning >= 3, "only " + swapsWhileRunning + " of 5 feature updates hit the running VM");
            List<String> alive = replaced.reachableAfterGc(Duration.ofSeconds(20));
            assertEquals(List.of(), alive, "of 5 replaced feature revisions, these class loaders are still reachable");
            assertEquals(Dist.golden("ppc/featsprlong"), felix.awaitStoppedAndConsole(vm, 180_000),
                    "console of ppc-booke VM " + vm);
        } finally {
            if (vm != 0) {
                felix.gogo("pv:destroy " + vm);
            }
            Bundle current = felix.bundle("org.polyvisor.testfeature");
            current.uninstall();
            felix.refresh(current);
        }
    }

    private static String console(int id) {
        try {
            return felix.gogo("pv:console " + id);
        } catch (Exception e) {
            throw new AssertionError("pv:console " + id + " failed: " + e.getMessage(), e);
        }
    }
}
