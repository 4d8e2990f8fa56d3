package org.polyvisor.framework.internal;

import java.util.List;
import java.util.Map;

import org.polyvisor.api.VmConfig;
import org.polyvisor.spi.StateSnapshot;

/**
 * Everything of a VM that a snapshot file holds, apart from the memory contents.
 *
 * @param config  the VM's configuration (the image path is not needed to restore)
 * @param machine machine-level state
 * @param vcpus   per-vCPU state
 * @param extensions state of each VM extension attached to the VM, by extension id
 * @param guestNanos the VM's guest time ({@link VmClock}) when it was saved
 */
record VmImage(VmConfig config, StateSnapshot machine, List<StateSnapshot> vcpus, Map<String, StateSnapshot> extensions,
               long guestNanos) {
    VmImage {
        vcpus = List.copyOf(vcpus);
        extensions = Map.copyOf(extensions);
    }
}
