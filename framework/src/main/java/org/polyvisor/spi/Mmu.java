package org.polyvisor.spi;

import org.polyvisor.api.GuestVirtualAddress;

/**
 * A guest translation regime as software sees it (for diagnostics, the hypervisor's walks of guest tables, SPE
 * buffer translation, last-instruction loading). CPU models keep their own software TLB on the hot path; this
 * interface is the slow, complete walk.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Mmu {
    Translation translate(GuestVirtualAddress address, AccessType access, boolean privileged);
}
