package org.polyvisor.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of the product, held as rules over the compiled main classes of every bundle module (the rules of
 * the consolidation issue): the framework knows no architecture, an architecture knows no other architecture and no
 * feature, a CPU model (decode, exec, cpu, mmu) is hardware and knows nothing of the hypervisor SPI, plugins reach an
 * architecture through its exported SPI only, and no package depends on itself through others.
 */
class LayeringTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.polyvisor");

    private static final String[] FRAMEWORK = {"org.polyvisor.api..", "org.polyvisor.spi..", "org.polyvisor.memory..",
        "org.polyvisor.elf..", "org.polyvisor.framework..", "org.polyvisor.standalone.."};
    private static final String[] ARCHES = {"org.polyvisor.arm64..", "org.polyvisor.ppc..", "org.polyvisor.testarch.."};
    private static final String[] PLUGINS = {"org.polyvisor.feature..", "org.polyvisor.device..",
        "org.polyvisor.testfeature.."};

    @Test
    void theClassesAreThere() {
        // A rule over nothing passes: make sure the import found every module's classes.
        for (String pkg : new String[] {"org.polyvisor.spi", "org.polyvisor.framework.internal",
            "org.polyvisor.arm64.internal", "org.polyvisor.ppc.internal", "org.polyvisor.device.pl031.internal"}) {
            if (MAIN.stream().noneMatch(c -> c.getPackageName().startsWith(pkg))) {
                throw new AssertionError("no classes of " + pkg + " on the class path: the rules would check nothing");
            }
        }
    }

    @Test
    void theFrameworkKnowsNoArchitectureAndNoPlugin() {
        noClasses().that().resideInAnyPackage(FRAMEWORK)
                .should().dependOnClassesThat().resideInAnyPackage(concat(ARCHES, PLUGINS))
                .because("the framework is neutral: architectures and features plug into it through its SPI")
                .check(MAIN);
    }

    @Test
    void anArchitectureKnowsNoOtherArchitectureAndNoFeature() {
        rule("org.polyvisor.arm64..", "org.polyvisor.ppc..", "org.polyvisor.testarch..").check(MAIN);
        rule("org.polyvisor.ppc..", "org.polyvisor.arm64..", "org.polyvisor.testarch..").check(MAIN);
        rule("org.polyvisor.testarch..", "org.polyvisor.arm64..", "org.polyvisor.ppc..").check(MAIN);
    }

    private static ArchRule rule(String arch, String... others) {
        return noClasses().that().resideInAPackage(arch)
                .should().dependOnClassesThat().resideInAnyPackage(concat(others, PLUGINS))
                .because("an architecture bundle stands alone; features depend on it, never the other way round");
    }

    @Test
    void theCpuModelIsHardware() {
        noClasses().that().resideInAnyPackage("org.polyvisor.arm64.internal.decode..",
                        "org.polyvisor.arm64.internal.exec..", "org.polyvisor.arm64.internal.cpu..",
                        "org.polyvisor.arm64.internal.mmu..", "org.polyvisor.ppc.internal.decode..",
                        "org.polyvisor.ppc.internal.exec..", "org.polyvisor.ppc.internal.cpu..",
                        "org.polyvisor.ppc.internal.mmu..")
                .should().dependOnClassesThat().resideInAnyPackage("org.polyvisor.spi..", "org.polyvisor.api..",
                        "org.polyvisor.framework..", "org.polyvisor.arm64.internal.hyp..",
                        "org.polyvisor.ppc.internal.hyp..", "org.polyvisor.arm64.internal.machine..",
                        "org.polyvisor.ppc.internal.machine..", "org.polyvisor.ppc.spi..")
                .because("the CPU model records exceptions as hardware does (ESR, FAR, SRR0/1); the hypervisor layer "
                        + "turns them into exits, and emulates what features contribute (ppc-booke's SPR SPI). Guest "
                        + "RAM (org.polyvisor.memory) is the only framework type it uses")
                .check(MAIN);
    }

    @Test
    void pluginsUseAnArchitectureThroughItsSpiOnly() {
        noClasses().that().resideOutsideOfPackage("org.polyvisor.arm64.internal..")
                .should().dependOnClassesThat().resideInAPackage("org.polyvisor.arm64.internal..")
                .check(MAIN);
        noClasses().that().resideOutsideOfPackage("org.polyvisor.ppc.internal..")
                .should().dependOnClassesThat().resideInAPackage("org.polyvisor.ppc.internal..")
                .check(MAIN);
        noClasses().that().resideOutsideOfPackages("org.polyvisor.framework.internal..",
                        "org.polyvisor.standalone..")
                .should().dependOnClassesThat().resideInAPackage("org.polyvisor.framework.internal..")
                .because("implementation packages are private to their bundle (org.polyvisor.standalone is the "
                        + "framework bundle's own door to them for use without OSGi)")
                .check(MAIN);
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.polyvisor.(**)").should().beFreeOfCycles().check(MAIN);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
