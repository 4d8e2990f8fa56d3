package org.polyvisor.framework.internal;

import java.util.Collection;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * While a side-by-side swap resolves the new revision of a bundle, keeps it from wiring to the old one. An
 * architecture bundle imports the SPI package it exports (a substitutable export); left alone, the resolver would
 * wire the new copy to the old copy's export, and uninstalling the old bundle would then refresh (restart) the new
 * one, pausing every VM a second time. Registered only for the duration of one resolve.
 */
final class IsolatingResolverHook implements ResolverHookFactory {
    private final Bundle old;
    private final Bundle fresh;

    IsolatingResolverHook(Bundle old, Bundle fresh) {
        this.old = old;
        this.fresh = fresh;
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
                if (b.equals(fresh) || b.equals(old)) {
                    // the two revisions of a singleton live together for the length of the swap
                    collisions.removeIf(c -> c.getRevision().getBundle().equals(b.equals(fresh) ? old : fresh));
                }
            }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
                if (requirement.getRevision().getBundle().equals(fresh)) {
                    candidates.removeIf(c -> c.getRevision().getBundle().equals(old));
                }
            }

            @Override
            public void end() {
                // nothing held
            }
        };
    }
}
