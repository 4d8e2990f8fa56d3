package org.polyvisor.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.MethodModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Formatter;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.Baseline.Info;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.header.Parameters;
import aQute.bnd.osgi.Instructions;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;
import aQute.bnd.service.diff.Delta;

/**
 * SDK baselining (docs/custom-builds.md, "Baselining"): the framework bundle just built against the same bundle of
 * the previous release, which scripts/sdk-baseline.sh built from git, compared with bnd's {@link Baseline} as
 * bnd-baseline-maven-plugin compares them. The tree as built passes; the same jar with one method removed from an
 * exported interface, its package version unchanged, fails with the next major version suggested.
 */
class SdkBaselineIT {
    private static final String VERSION = System.getProperty("polyvisor.sdk.baseline.version", "0.1.0");
    private static final Path RELEASE = Path.of(System.getProperty("polyvisor.sdk.baseline.repo",
            "../target/sdk-baseline/repo"), "org/polyvisor/polyvisor-framework", VERSION,
            "polyvisor-framework-" + VERSION + ".jar");
    private static final String TYPE = "org/polyvisor/api/VmManager.class";
    private static final String METHOD = "consoleTail";

    @Test
    void theFrameworkAsBuiltIsCompatibleWithTheRelease() throws Exception {
        List<Info> infos = baseline(current(), RELEASE);
        assertFalse(infos.isEmpty(), "no exported package compared");
        for (Info info : infos) {
            assertFalse(info.mismatch, () -> report(infos));
        }
    }

    @Test
    void removingAMethodFromAnExportedTypeWithoutAMajorBumpFailsBaselining(@TempDir Path tmp) throws Exception {
        Path tampered = withoutMethod(current(), tmp.resolve("framework-without-" + METHOD + ".jar"));
        List<Info> infos = baseline(tampered, RELEASE);
        String report = report(infos);
        System.out.println("bnd's baseline of the framework without VmManager." + METHOD + ":\n" + report);
        Info api = infos.stream().filter(i -> i.packageName.equals("org.polyvisor.api")).findFirst().orElseThrow();
        assertTrue(api.mismatch, report);
        assertEquals(Delta.MAJOR, api.packageDiff.getDelta(), report);
        assertEquals(api.olderVersion.getMajor() + 1, api.suggestedVersion.getMajor(), report);
        assertTrue(report.contains(METHOD) && report.contains("REMOVED"), report);
    }

    /** bnd's comparison, configured as bnd-baseline-maven-plugin configures it (every exported package). */
    private static List<Info> baseline(Path newer, Path older) throws Exception {
        assertTrue(Files.isRegularFile(older), "no release jar " + older + ": scripts/sdk-baseline.sh builds it");
        try (Processor processor = new Processor(); Jar n = new Jar(newer.toFile()); Jar o = new Jar(older.toFile())) {
            Baseline baseliner = new Baseline(processor, new DiffPluginImpl());
            return baseliner.baseline(n, o, new Instructions(new Parameters("*", processor))).stream()
                    .sorted((a, b) -> a.packageName.compareTo(b.packageName)).toList();
        }
    }

    /** The plugin's report lines: mismatching packages flagged '*', with bnd's diff of each. */
    private static String report(List<Info> infos) {
        try (Formatter f = new Formatter(new StringBuilder(), Locale.ROOT)) {
            String format = "%s %-50s %-10s %-10s %-10s %-10s %-10s%n";
            f.format(format, " ", "Name", "Type", "Delta", "New", "Old", "Suggest");
            for (Info info : infos) {
                f.format(format, info.mismatch ? "*" : " ", info.packageName, info.packageDiff.getType(),
                        info.packageDiff.getDelta(), info.newerVersion, info.olderVersion,
                        info.suggestedVersion == null ? "-" : info.suggestedVersion);
                if (info.mismatch) {
                    f.format("%#2S%n", info.packageDiff);
                }
            }
            return f.toString();
        }
    }

    /** The framework jar of the full build (bundles/4). */
    private static Path current() throws IOException {
        try (var s = Files.list(Dist.HOME.resolve("bundles/4"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("polyvisor-framework")).findFirst()
                    .orElseThrow(() -> new AssertionError("no framework jar in " + Dist.HOME.resolve("bundles/4")));
        }
    }

    /** A copy of the jar whose {@link #TYPE} lacks {@link #METHOD}; manifest and package versions unchanged. */
    private static Path withoutMethod(Path jar, Path out) throws IOException {
        try (JarFile in = new JarFile(jar.toFile());
                OutputStream os = Files.newOutputStream(out);
                JarOutputStream jos = new JarOutputStream(os, in.getManifest())) {
            boolean found = false;
            for (JarEntry e : in.stream().toList()) {
                if (e.getName().equals(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().equals(TYPE)) {
                    ClassFile cf = ClassFile.of();
                    bytes = cf.transformClass(cf.parse(bytes), ClassTransform.dropping(
                            el -> el instanceof MethodModel m && m.methodName().equalsString(METHOD)));
                    found = true;
                }
                jos.putNextEntry(new JarEntry(e.getName()));
                jos.write(bytes);
                jos.closeEntry();
            }
            assertTrue(found, "no " + TYPE + " in " + jar);
        }
        return out;
    }
}
