package org.polyvisor.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

/** Where the build put things (system properties set by failsafe in the pom). */
public final class Dist {
    /** The assembled folder: target/polyvisor. */
    static final Path HOME = path("polyvisor.dist", "target/polyvisor");
    /** Test-only bundles (the polyvisor-testarch bundle): target/test-bundles. */
    static final Path TEST_BUNDLES = path("polyvisor.test.bundles", "target/test-bundles");
    /** Test-only bundles that tests install themselves (testfeature: arm64 system registers from another bundle). */
    static final Path OPTIONAL_BUNDLES = path("polyvisor.optional.bundles", "target/optional-bundles");
    /** The repository root (for guests/). */
    public static final Path REPO = path("polyvisor.repo", "..");
    static final Path SCRIPT = HOME.resolve("bin/polyvisor");

    /** A committed guest ({@code arm64/swapsmp}) as an ELF path. */
    static Path guest(String name) {
        return REPO.resolve("guests/" + name + ".elf");
    }

    /** QEMU's console output for a committed guest ({@code arm64/swapsmp}), from its golden file. */
    static String golden(String name) throws java.io.IOException {
        return java.nio.file.Files.readString(REPO.resolve("guests/" + name + ".expected"),
                java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private Dist() {
    }

    private static Path path(String prop, String dflt) {
        return Path.of(System.getProperty(prop, dflt)).toAbsolutePath().normalize();
    }

    /** True if the jar is an OSGi bundle that declares DS components (i.e. an architecture bundle that is ready). */
    static boolean isComponentBundle(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            var mf = jf.getManifest();
            return mf != null && mf.getMainAttributes().getValue("Bundle-SymbolicName") != null
                    && mf.getMainAttributes().getValue("Service-Component") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar in bundles/5 whose file name starts with the prefix, or null. */
    static Path level5Jar(String prefix) {
        try (var s = Files.list(HOME.resolve("bundles/5"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
