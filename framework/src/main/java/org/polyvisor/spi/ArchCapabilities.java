package org.polyvisor.spi;

import java.util.List;
import java.util.Map;

/**
 * Capabilities of an architecture, shown by {@code pv:archs} and read by the launcher ({@code bin/polyvisor run}),
 * which picks the architecture whose {@code elfMachine} matches the image's ELF header and accepts the options
 * declared here. Nothing outside the architecture bundle knows its id, machine type or options.
 *
 * @param id           architecture id
 * @param description  one line
 * @param elfMachine   the ELF {@code e_machine} of the images it boots (EM_AARCH64 = 183, EM_PPC = 20), or
 *                     {@link #NO_ELF_MACHINE} if it is chosen only by id
 * @param capabilities name to value (for example {@code host-models=vhe,nvhe}, {@code max-vcpus=8})
 * @param options      the VM options it accepts, in the order to list them
 */
public record ArchCapabilities(String id, String description, int elfMachine, Map<String, String> capabilities,
                               List<ArchOption> options) {
    /** ELF's EM_NONE: the architecture is not picked from an image's e_machine. */
    public static final int NO_ELF_MACHINE = 0;

    /**
     * Capability key: where dirty-page logging ({@link Machine#dirtyLog()}) comes from for this architecture, for
     * example {@code "needs feature-stage2"} or {@code "built in"}. The framework quotes it when it refuses a live
     * save of a machine that offers no dirty log, so the user learns what to install.
     */
    public static final String DIRTY_LOG = "dirty-log";

    /** Copies the map and the list, so a published capability set cannot change. */
    public ArchCapabilities {
        capabilities = Map.copyOf(capabilities);
        options = List.copyOf(options);
    }
}
