package org.polyvisor.ppc.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A group of SPRs contributed by one feature, registered as an OSGi service. New VMs get the tables registered when
 * they are created; running VMs are rebuilt with the current tables at their next safe point when a table comes or
 * goes (their contributed SPR values carried over by name). A VM whose snapshot names a table that is not installed
 * waits for it instead of losing its values.
 */
@ConsumerType
public interface BookeSprTable {
    /**
     * Short name for diagnostics and snapshots, for example {@code test-feature}. Two registrations with the same name
     * are revisions of one feature: the newest one is used.
     *
     * @return the table's name
     */
    String name();

    /**
     * The SPRs this feature contributes. Called on the thread that builds a machine, once per machine.
     *
     * @return the descriptors; each SPR number and name at most once, none the e500mc core implements
     */
    List<BookeSpr> registers();
}
