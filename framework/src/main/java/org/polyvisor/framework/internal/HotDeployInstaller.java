package org.polyvisor.framework.internal;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.polyvisor.api.VmManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Felix FileInstall's watched folder ({@code hot/} in the distribution) a swap point: a jar dropped there whose
 * Bundle-SymbolicName belongs to an installed bundle replaces that bundle (as {@code pv:swap}: side by side, or
 * update + refresh),
 * instead of FileInstall installing a second copy next to it. Jars of bundles that are not installed are left to
 * FileInstall's own bundle handling. Ranked above FileInstall's built-in handler, which it asks after us.
 */
@Component(service = ArtifactInstaller.class, property = "service.ranking:Integer=100")
public final class HotDeployInstaller implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(HotDeployInstaller.class);
    private final BundleContext context;
    private final BundleSwapper swapper;

    @Activate
    public HotDeployInstaller(BundleContext context, @Reference VmManager manager) {
        this.context = context;
        this.swapper = new BundleSwapper(context, ((VmManagerService) manager).impl());
    }

    @Override
    public boolean canHandle(File artifact) {
        String bsn = symbolicName(artifact);
        return bsn != null && installed(bsn) != null;
    }

    @Override
    public void install(File artifact) throws Exception {
        swap(artifact);
    }

    @Override
    public void update(File artifact) throws Exception {
        swap(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        // Removing the jar from the folder keeps the running version: VMs must not lose their architecture.
        LOG.info("{} removed from the hot folder; the installed bundle stays", artifact.getName());
    }

    private void swap(File artifact) throws IOException, InterruptedException {
        String bsn = symbolicName(artifact);
        LOG.warn("hot folder: {}", swapper.swap(bsn, artifact.toPath()));
    }

    private Bundle installed(String bsn) {
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst()
                .orElse(null);
    }

    /** The jar's Bundle-SymbolicName without directives, or null for anything that is not a bundle jar. */
    static String symbolicName(File file) {
        if (!file.getName().endsWith(".jar") || !file.isFile()) {
            return null;
        }
        try {
            return JarManifests.symbolicName(JarManifests.mainAttributes(file.toPath()));
        } catch (IOException e) {
            return null; // a half-copied jar: FileInstall retries when the file is complete
        }
    }
}
