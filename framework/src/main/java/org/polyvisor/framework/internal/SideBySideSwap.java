package org.polyvisor.framework.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.framework.hooks.bundle.CollisionHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.polyvisor.api.VmException;
import org.polyvisor.spi.Architecture;

/**
 * Make-before-break swap of a bundle: the new jar is installed and started next to the old bundle (its classes load,
 * its services register, its architecture is warmed up) while the VMs keep running on the old code; then the VMs
 * move over in one short pause (export through the old code, import through the new) and the old bundle is
 * uninstalled. Exit handlers follow by class-loader affinity ({@link ExitDispatcher}), so during the overlap each VM
 * uses its own revision's handlers. If the new code refuses a VM's state, the new bundle is removed again and every
 * VM continues on the old one.
 *
 * <p>Bundles wired to the old one (a feature bundle importing an architecture's SPI) get a new copy of their own jar
 * installed and started next to them, wired to the new revision, so that the new architecture sees their services
 * before the VMs move; the old copies go with the old bundle. Possible only when the jar is another version of the
 * same bundle and each dependent is an active, non-fragment bundle whose jar can be read again and on which nothing
 * else depends; {@link #whyNot} says when it is not, and {@link BundleSwapper} then updates the bundle in place.
 */
final class SideBySideSwap {
    private final BundleContext context;
    private final VmManagerImpl manager;

    SideBySideSwap(BundleContext context, VmManagerImpl manager) {
        this.context = context;
        this.manager = manager;
    }

    /** Why this jar cannot replace the bundle side by side, or null if it can. */
    static String whyNot(Bundle old, Path jar) throws IOException {
        Attributes mf;
        try {
            mf = JarManifests.mainAttributes(jar);
        } catch (IOException e) {
            throw new VmException(jar + " is not a readable jar: " + e.getMessage());
        }
        String bsn = JarManifests.symbolicName(mf);
        if (bsn == null) {
            return "the jar has no Bundle-SymbolicName";
        }
        if (!bsn.equals(old.getSymbolicName())) {
            return "the jar is bundle " + bsn + ", not " + old.getSymbolicName();
        }
        Version v;
        try {
            v = Version.parseVersion(mf.getValue(Constants.BUNDLE_VERSION));
        } catch (IllegalArgumentException e) {
            return "the jar's Bundle-Version is malformed: " + e.getMessage();
        }
        if (v.equals(old.getVersion())) {
            return "the jar has the installed Bundle-Version " + v;
        }
        if (mf.getValue(Constants.FRAGMENT_HOST) != null) {
            return "the bundle is a fragment";
        }
        if (old.getState() != Bundle.ACTIVE) {
            return "the installed bundle is not active";
        }
        BundleWiring wiring = old.adapt(BundleWiring.class);
        if (wiring == null) {
            return "the installed bundle is not resolved";
        }
        for (Bundle d : dependents(old)) {
            String why = dependentWhyNot(d);
            if (why != null) {
                return "bundle " + d.getSymbolicName() + " is wired to it and " + why;
            }
        }
        return null;
    }

    /** The other bundles wired to b (importers of its packages, requirers of its capabilities). */
    static List<Bundle> dependents(Bundle b) {
        List<Bundle> out = new ArrayList<>();
        BundleWiring wiring = b.adapt(BundleWiring.class);
        if (wiring == null) {
            return out;
        }
        for (BundleWire w : wiring.getProvidedWires(null)) {
            Bundle requirer = w.getRequirerWiring().getBundle();
            if (!requirer.equals(b) && !out.contains(requirer)) {
                out.add(requirer);
            }
        }
        return out;
    }

    private static String dependentWhyNot(Bundle d) {
        if (d.getState() != Bundle.ACTIVE) {
            return "is not active";
        }
        if (d.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
            return "is a fragment";
        }
        if (!dependents(d).isEmpty()) {
            return "other bundles depend on it in turn";
        }
        return jarOf(d) == null ? "its jar (" + d.getLocation() + ") cannot be read again" : null;
    }

    /** Where a bundle's jar can be read again: its file: location, or the jar a previous swap installed. */
    static Path jarOf(Bundle b) {
        String loc = b.getLocation();
        try {
            Path p;
            if (loc.startsWith(SWAP_LOCATION)) {
                int hash = loc.lastIndexOf('#');
                p = Path.of(loc.substring(SWAP_LOCATION.length(), hash < 0 ? loc.length() : hash));
            } else {
                p = Path.of(URI.create(loc));
            }
            return Files.isReadable(p) ? p : null;
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            return null;
        }
    }

    private static final String SWAP_LOCATION = "polyvisor-swap:";

    private Bundle install(Path jar, String what) throws IOException {
        try (InputStream in = Files.newInputStream(jar)) {
            return context.installBundle(SWAP_LOCATION + jar.toAbsolutePath() + "#" + System.nanoTime(), in);
        } catch (BundleException e) {
            throw new VmException("installing " + jar + " next to " + what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Installs the jar next to {@code old} (and new copies of its dependents), moves the VMs, uninstalls the old
     * bundles. Returns a summary.
     */
    String swap(Bundle old, Path jar) throws IOException, InterruptedException {
        int startLevel = old.adapt(BundleStartLevel.class).getStartLevel();
        List<Bundle> oldDependents = dependents(old);
        Map<Bundle, Bundle> freshToOld = new LinkedHashMap<>();
        Bundle fresh = install(jar, old.getSymbolicName());
        freshToOld.put(fresh, old);
        String moved;
        try {
            for (Bundle d : oldDependents) {
                // the same symbolic name and version as the installed copy: allowed for the length of the swap
                // (org.osgi.framework.bsnversion=managed lets a collision hook decide)
                ServiceRegistration<CollisionHook> allow = context.registerService(CollisionHook.class,
                        (operation, target, candidates) -> candidates.remove(d), null);
                try {
                    freshToOld.put(install(jarOf(d), d.getSymbolicName()), d);
                } finally {
                    allow.unregister();
                }
            }
            startApart(freshToOld, startLevel);
            moved = moveVms(fresh);
        } catch (RuntimeException e) {
            // VMs that already moved go back to the old bundle, which is still running
            for (Bundle b : freshToOld.keySet()) {
                remove(b);
            }
            throw e instanceof VmException ve ? ve
                    : new VmException("starting " + jar + " next to " + old.getSymbolicName() + " failed: "
                            + e.getMessage() + " (the installed bundle keeps running)", e);
        }
        for (Bundle d : oldDependents) {
            uninstall(d);
        }
        remove(old);
        return oldDependents.isEmpty() ? moved : moved + "; with " + oldDependents.size() + " dependent bundle(s) "
                + oldDependents.stream().map(Bundle::getSymbolicName).toList() + " renewed next to it";
    }

    /** Resolves (with the isolating hook in place) and starts the new bundles, the replaced bundle's copy first. */
    private void startApart(Map<Bundle, Bundle> freshToOld, int startLevel) {
        ServiceRegistration<ResolverHookFactory> hook = context.registerService(ResolverHookFactory.class,
                new IsolatingResolverHook(freshToOld), null);
        Bundle current = null;
        try {
            for (Map.Entry<Bundle, Bundle> e : freshToOld.entrySet()) {
                current = e.getValue();
                Bundle fresh = e.getKey();
                fresh.adapt(BundleStartLevel.class).setStartLevel(Math.max(startLevel,
                        current.adapt(BundleStartLevel.class).getStartLevel()));
                fresh.start();
            }
        } catch (BundleException e) {
            throw new VmException("the new jar of " + current.getSymbolicName() + " does not resolve or start: "
                    + e.getMessage() + " (the installed bundle keeps running)", e);
        } finally {
            hook.unregister();
        }
    }

    /** Moves the VMs of every architecture the new bundle registered; all or nothing. */
    private String moveVms(Bundle fresh) {
        ServiceReference<?>[] refs = fresh.getRegisteredServices();
        int moved = 0;
        long heldNanos = 0;
        if (refs == null) {
            return "0 VM(s) moved";
        }
        for (ServiceReference<?> ref : refs) {
            String[] classes = (String[]) ref.getProperty(Constants.OBJECTCLASS);
            if (!List.of(classes).contains(Architecture.class.getName())) {
                continue;
            }
            Architecture arch = (Architecture) context.getService(ref);
            if (arch == null) {
                continue;
            }
            try {
                VmManagerImpl.Migration m = manager.migrate(arch);
                if (!m.refused().isEmpty()) {
                    throw new VmException("the new " + arch.id() + " implementation refused VM state, swap undone: "
                            + String.join("; ", m.refused()));
                }
                moved += m.moved();
                heldNanos += m.heldNanos();
            } finally {
                context.ungetService(ref);
            }
        }
        return moved == 0 ? "0 VM(s) moved"
                : String.format("%d VM(s) moved, held %.1f ms", moved, heldNanos / 1e6);
    }

    private void remove(Bundle b) throws InterruptedException {
        uninstall(b);
        BundleSwapper.refresh(frameworkWiring(), b);
    }

    private static void uninstall(Bundle b) {
        try {
            b.uninstall();
        } catch (BundleException | IllegalStateException e) {
            throw new VmException("uninstalling " + b.getSymbolicName() + " " + b.getVersion() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private FrameworkWiring frameworkWiring() {
        return context.getBundle(0).adapt(FrameworkWiring.class);
    }
}
