package org.polyvisor.spi;

import java.util.Map;

/**
 * Capabilities of an architecture or feature, shown by {@code pv:archs}.
 *
 * @param id           architecture or feature id
 * @param description  one line
 * @param capabilities name to value (for example {@code host-models=vhe,nvhe}, {@code max-vcpus=8})
 * @param options      VM option name to a description of its values (for example {@code host -> vhe|nvhe (default vhe)})
 */
public record ArchCapabilities(String id, String description, Map<String, String> capabilities,
                               Map<String, String> options) {
    public ArchCapabilities {
        capabilities = Map.copyOf(capabilities);
        options = Map.copyOf(options);
    }
}
