package org.polyvisor.framework.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
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
 * <p>Possible only when the jar is another version of the same bundle and no other bundle is wired to the old one
 * (a feature bundle importing an architecture's SPI would otherwise be left wired to the old classes);
 * {@link #whyNot} says when it is not, and {@link BundleSwapper} then updates the bundle in place.
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
        List<String> dependents = new ArrayList<>();
        for (BundleWire w : wiring.getProvidedWires(null)) {
            Bundle requirer = w.getRequirerWiring().getBundle();
            if (!requirer.equals(old) && !dependents.contains(requirer.getSymbolicName())) {
                dependents.add(requirer.getSymbolicName());
            }
        }
        if (!dependents.isEmpty()) {
            return "bundle(s) " + String.join(", ", dependents) + " are wired to it";
        }
        return null;
    }

    /** Installs the jar next to {@code old}, moves the VMs, uninstalls {@code old}. Returns a summary. */
    String swap(Bundle old, Path jar) throws IOException, InterruptedException {
        int startLevel = old.adapt(BundleStartLevel.class).getStartLevel();
        Bundle fresh;
        try (InputStream in = Files.newInputStream(jar)) {
            fresh = context.installBundle("polyvisor-swap:" + jar.toAbsolutePath() + "#" + System.nanoTime(), in);
        } catch (BundleException e) {
            throw new VmException("installing " + jar + " next to " + old.getSymbolicName() + " failed: "
                    + e.getMessage(), e);
        }
        String moved;
        try {
            startApart(old, fresh, startLevel);
            moved = moveVms(fresh);
        } catch (RuntimeException e) {
            remove(fresh); // VMs that already moved go back to the old bundle, which is still running
            throw e instanceof VmException ve ? ve
                    : new VmException("starting " + jar + " next to " + old.getSymbolicName() + " failed: "
                            + e.getMessage() + " (the installed bundle keeps running)", e);
        }
        remove(old);
        return moved;
    }

    /** Resolves (with the isolating hook in place) and starts the new bundle; says why if it cannot. */
    private void startApart(Bundle old, Bundle fresh, int startLevel) {
        ServiceRegistration<ResolverHookFactory> hook = context.registerService(ResolverHookFactory.class,
                new IsolatingResolverHook(old, fresh), null);
        try {
            fresh.adapt(BundleStartLevel.class).setStartLevel(startLevel);
            fresh.start();
        } catch (BundleException e) {
            throw new VmException("the new jar of " + old.getSymbolicName() + " does not resolve or start: "
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
        try {
            b.uninstall();
        } catch (BundleException | IllegalStateException e) {
            throw new VmException("uninstalling " + b.getSymbolicName() + " " + b.getVersion() + " failed: "
                    + e.getMessage(), e);
        }
        BundleSwapper.refresh(frameworkWiring(), b);
    }

    private FrameworkWiring frameworkWiring() {
        return context.getBundle(0).adapt(FrameworkWiring.class);
    }
}
