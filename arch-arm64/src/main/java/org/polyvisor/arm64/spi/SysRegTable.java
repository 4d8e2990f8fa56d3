package org.polyvisor.arm64.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A group of system registers contributed by one concern (ID registers, timer, a feature such as SPE). The CPU
 * model merges the tables it is given; a later table may not redefine an encoding an earlier one owns.
 */
@ConsumerType
public interface SysRegTable {
    /**
     * Short name for diagnostics, for example {@code generic-timer}.
     *
     * @return the table's name
     */
    String name();

    /**
     * The registers this concern contributes.
     *
     * @return the descriptors; each encoding at most once
     */
    List<SysReg> registers();

    /**
     * The PE's registers are about to be exported (a snapshot, a machine rebuild, a bundle swap): a table whose
     * registers drive a unit that holds data outside them (a profiling unit's buffered records, its countdown) puts it
     * into its registers or guest memory now. Runs in the guest's register view; does nothing by default.
     *
     * @param pe the PE
     * @since 0.4
     */
    default void exporting(SysRegState pe) {
    }

    /**
     * The PE's registers were restored from an export (possibly into a new machine, or with a new revision of this
     * table): re-attach whatever the registers say is running. Runs in the guest's register view; does nothing by
     * default.
     *
     * @param pe the PE
     * @since 0.4
     */
    default void restored(SysRegState pe) {
    }

    /**
     * Whether the PE's state needs this table: a saved VM whose PEs all answer false does not wait for the feature when
     * it is missing on restore (its registers hold nothing the guest put there). Asked when the machine's state is
     * exported; true by default.
     *
     * @param pe the PE
     * @return false when the PE has never used these registers
     * @since 0.4
     */
    default boolean needed(SysRegState pe) {
        return true;
    }
}
