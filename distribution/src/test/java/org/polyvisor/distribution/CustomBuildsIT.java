package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.resolver.ResolutionException;
import org.polyvisor.distribution.CliProcessIT.Result;

import aQute.bnd.build.Workspace;
import aQute.bnd.header.Parameters;
import aQute.bnd.repository.fileset.FileSetRepository;
import biz.aQute.resolve.Bndrun;
import biz.aQute.resolve.ResolveProcess;

/**
 * The custom builds of docs/custom-builds.md: each {@code distribution/builds/*.bndrun} that the build resolved with
 * bnd and assembled boots its own guests and says what it contains, and a build that cannot be resolved fails with
 * bnd's message naming the missing requirement and the bundle that needs it.
 */
class CustomBuildsIT {
    private static final Path BUILDS = Dist.REPO.resolve("distribution/builds");
    private static final Path ARM64 = Dist.HOME.resolveSibling("polyvisor-arm64");
    private static final Path PPC = Dist.HOME.resolveSibling("polyvisor-ppc-booke");

    @Test
    void theArm64BuildBootsTheArm64GuestAndRefusesThePowerPcOneNamingWhatIsMissing() throws Exception {
        Result hello = run(ARM64, null, "run", Dist.guest("arm64/hello").toString());
        assertEquals(0, hello.exit(), hello::toString);
        assertEquals(Dist.golden("arm64/hello"), hello.out(), hello::toString);

        Result ppc = run(ARM64, null, "run", Dist.guest("ppc/hello").toString());
        assertEquals(1, ppc.exit(), ppc::toString);
        assertEquals("", ppc.out(), ppc::toString);
        assertTrue(ppc.err().contains("no installed architecture boots ELF machine 20 (PowerPC) (installed: arm64"
                + " (ELF machine 183)); this build does not contain it"), ppc::toString);
    }

    @Test
    void thePpcBuildBootsThePpcGuest() throws Exception {
        Result hello = run(PPC, null, "run", Dist.guest("ppc/hello").toString());
        assertEquals(0, hello.exit(), hello::toString);
        assertEquals(Dist.golden("ppc/hello"), hello.out(), hello::toString);

        Result arm = run(PPC, null, "run", Dist.guest("arm64/hello").toString());
        assertEquals(1, arm.exit(), arm::toString);
        assertTrue(arm.err().contains("ELF machine 183 (AArch64) (installed: ppc-booke"), arm::toString);
    }

    @Test
    void runHelpAndPvArchsShowWhatEachBuildContains() throws Exception {
        for (var build : List.of(new String[] {"arm64", "ppc-booke"}, new String[] {"ppc-booke", "arm64"})) {
            Path dir = build[0].equals("arm64") ? ARM64 : PPC;
            Result help = run(dir, null, "run", "--help");
            assertEquals(0, help.exit(), help::toString);
            String installed = help.out().substring(help.out().indexOf("Installed architectures"));
            assertTrue(installed.contains("\n  " + build[0] + " (ELF machine"), help::toString);
            assertFalse(installed.contains("\n  " + build[1] + " "), help::toString);

            Result shell = run(dir, "pv:archs\n", "shell");
            String archs = shell.out();
            assertTrue(archs.contains("architectures:\n  " + build[0] + ": "), "pv:archs in " + build[0] + ":\n"
                    + shell);
            assertFalse(archs.contains("\n  " + build[1] + ": "), "pv:archs in build " + build[0] + ":\n" + shell);
            // the arm64 build holds the PL031 device bundle, the ppc-booke build no VM extension at all
            assertEquals(build[0].equals("arm64"), archs.contains("VM extensions: pl031"), "pv:archs:\n" + shell);

            String readme = Files.readString(dir.resolve("README.txt"));
            assertTrue(readme.contains("build '" + build[0] + "'") && readme.contains("bin/polyvisor run"), readme);
        }
    }

    @Test
    void eachShippedBuildResolvesToExactlyTheBundlesItsFolderHolds(@TempDir Path tmp) throws Exception {
        List<File> repository = repository(p -> true);
        for (String name : List.of("full", "arm64", "ppc-booke")) {
            Path folder = name.equals("full") ? Dist.HOME : Dist.HOME.resolveSibling("polyvisor-" + name);
            Set<String> resolved = new TreeSet<>();
            for (String bsn : new Parameters(resolve(BUILDS.resolve(name + ".bndrun"), repository, tmp)).keySet()) {
                resolved.add(bsn);
            }
            assertEquals(symbolicNames(folder.resolve("bundles")), resolved, "build " + name);
        }
    }

    @Test
    void aBuildWhoseRepositoryLacksScrFailsNamingTheRequirementAndTheBundleThatNeedsIt(@TempDir Path tmp)
            throws Exception {
        // as if SCR were dropped from distribution/pom.xml's dependencies: nothing provides Declarative Services
        List<File> repository = repository(p -> !p.getFileName().toString().startsWith("org.apache.felix.scr"));
        var e = assertThrows(ResolutionException.class,
                () -> resolve(BUILDS.resolve("arm64.bndrun"), repository, tmp));
        String message = ResolveProcess.format(e, false);
        System.out.println("bnd's message for an arm64 build without SCR:\n" + message);
        // the summary names the chain: a bundle the build asks for (bnd reports whichever it tried first) needs the
        // framework's packages, the framework needs SCR's extender
        assertTrue(Pattern.compile("Bundle: org\\.polyvisor\\.(arch\\.arm64|device\\.pl031|feature\\.stage2"
                + "|feature\\.spe) cannot be resolved").matcher(message).find(), message);
        assertTrue(message.contains("Extender: &(osgi.extender=osgi.component)"), message);
        assertTrue(message.contains("[org.polyvisor.framework version="), message);
    }

    @Test
    void aBuildWithoutTheFrameworkBundleFailsNamingThePackageTheArchitectureImports(@TempDir Path tmp)
            throws Exception {
        List<File> repository = repository(p -> !p.getFileName().toString().startsWith("polyvisor-framework"));
        var e = assertThrows(ResolutionException.class, () -> resolve(BUILDS.resolve("ppc-booke.bndrun"), repository,
                tmp));
        String message = ResolveProcess.format(e, false);
        System.out.println("bnd's message for a ppc-booke build without the framework bundle:\n" + message);
        assertTrue(message.contains("Bundle: org.polyvisor.arch.ppc cannot be resolved"), message);
        assertTrue(message.contains("Import-Package requirement for: org.polyvisor.api"), message);
    }

    /** Resolves a .bndrun as bnd-resolver-maven-plugin does, against the given jars; returns its -runbundles. */
    private static String resolve(Path bndrun, List<File> repository, Path tmp) throws Exception {
        Path base = Files.createTempDirectory(tmp, "bnd");
        try (Bndrun run = Bndrun.createBndrun(null, bndrun.toFile())) {
            run.setBase(base.toFile());
            Workspace workspace = run.getWorkspace();
            workspace.setBuildDir(Files.createDirectories(base.resolve(Workspace.CNFDIR)).toFile());
            workspace.setOffline(true);
            FileSetRepository repo = new FileSetRepository("builds", repository);
            workspace.addBasicPlugin(repo);
            repo.list(null);
            String runbundles = run.resolve(false, false);
            assertTrue(run.isOk(), () -> "bnd reported errors: " + run.getErrors());
            return runbundles;
        }
    }

    /**
     * The bundles of every assembled build (the full build lacks feature-spe, which only the arm64 build holds), one
     * jar per file name, plus the Felix framework jar, as the resolver's repository.
     */
    private static List<File> repository(Predicate<Path> keep) throws IOException {
        Map<String, Path> jars = new TreeMap<>();
        try (Stream<Path> builds = Files.list(Dist.HOME.getParent())) {
            for (Path build : builds.filter(d -> d.getFileName().toString().startsWith("polyvisor")
                    && Files.isDirectory(d.resolve("bundles"))).toList()) {
                try (Stream<Path> bundles = Files.walk(build.resolve("bundles"))) {
                    bundles.forEach(p -> jars.putIfAbsent(p.getFileName().toString(), p));
                }
            }
        }
        try (Stream<Path> lib = Files.list(Dist.HOME.resolve("lib"))) {
            lib.filter(p -> p.getFileName().toString().startsWith("org.apache.felix"))
                    .forEach(p -> jars.putIfAbsent(p.getFileName().toString(), p));
        }
        return jars.values().stream().filter(p -> p.getFileName().toString().endsWith(".jar")).filter(keep)
                .map(Path::toFile).toList();
    }

    private static Set<String> symbolicNames(Path bundles) throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.walk(bundles)) {
            for (Path jar : s.filter(p -> p.getFileName().toString().endsWith(".jar")).toList()) {
                try (JarFile jf = new JarFile(jar.toFile())) {
                    out.add(jf.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0]);
                }
            }
        }
        return out;
    }

    private static Result run(Path build, String stdin, String... args) throws Exception {
        return CliProcessIT.polyvisor(build.resolve("bin/polyvisor"), build, stdin, args);
    }
}
