package org.polyvisor.spi;

/** Why a translation failed, in terms common to the architectures. */
public enum FaultKind {
    /** No valid descriptor / no matching TLB entry. */
    TRANSLATION,
    /** Access flag clear (ARM64). */
    ACCESS_FLAG,
    /** A descriptor or entry forbids the access. */
    PERMISSION,
    /** The address or an output address is out of the configured range. */
    ADDRESS_SIZE,
    /** The walk itself touched memory that is not RAM. */
    EXTERNAL,
    /** The access is misaligned where the architecture requires alignment. */
    ALIGNMENT
}
