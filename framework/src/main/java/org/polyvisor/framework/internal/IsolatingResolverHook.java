package org.polyvisor.framework.internal;

import java.util.Collection;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * While a side-by-side swap resolves the new revision of a bundle (and new copies of the bundles wired to it), keeps
 * every new copy from wiring to an old one. An architecture bundle imports the SPI package it exports (a
 * substitutable export); left alone, the resolver would wire the new copy to the old copy's export, and uninstalling
 * the old bundle would then refresh (restart) the new one, pausing every VM a second time; a feature bundle's new copy
 * must see the new architecture's SPI classes, or the new architecture would not see its services. Registered only
 * for the duration of one resolve.
 */
final class IsolatingResolverHook implements ResolverHookFactory {
    /** New copy -> the bundle it replaces. */
    private final Map<Bundle, Bundle> pairs;

    IsolatingResolverHook(Bundle old, Bundle fresh) {
        this(Map.of(fresh, old));
    }

    IsolatingResolverHook(Map<Bundle, Bundle> freshToOld) {
        this.pairs = Map.copyOf(freshToOld);
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new ResolverHook() {
            @Override
            public void filterResolvable(Collection<BundleRevision> candidates) {
                // every bundle may resolve
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisions) {
                Bundle b = singleton.getRevision().getBundle();
                // the two revisions of a singleton live together for the length of the swap
                collisions.removeIf(c -> {
                    Bundle other = c.getRevision().getBundle();
                    return b.equals(pairs.get(other)) || other.equals(pairs.get(b));
                });
            }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
                if (pairs.containsKey(requirement.getRevision().getBundle())) {
                    candidates.removeIf(c -> pairs.containsValue(c.getRevision().getBundle()));
                }
            }

            @Override
            public void end() {
                // nothing held
            }
        };
    }
}
