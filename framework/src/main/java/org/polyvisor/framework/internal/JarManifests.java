package org.polyvisor.framework.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.osgi.framework.Constants;

/** Reading the OSGi headers of a bundle jar before installing it (hot folder, pv:swap). */
final class JarManifests {
    private JarManifests() {
    }

    /** The manifest's main attributes; empty ones for a jar without a manifest. */
    static Attributes mainAttributes(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest mf = f.getManifest();
            return mf == null ? new Attributes() : mf.getMainAttributes();
        }
    }

    /** Bundle-SymbolicName without its directives, or null for a jar that is not a bundle. */
    static String symbolicName(Attributes attributes) {
        String bsn = attributes.getValue(Constants.BUNDLE_SYMBOLICNAME);
        return bsn == null ? null : bsn.split(";")[0].trim();
    }
}
