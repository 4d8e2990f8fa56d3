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
}
