package org.polyvisor.framework.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.ArchOption;

/**
 * The installed architectures in JDK types, for the launcher ({@code bin/polyvisor run}), whose class loader shares
 * no Polyvisor class with the framework bundle. One map per architecture with the keys {@value #ID},
 * {@value #DESCRIPTION}, {@value #ELF_MACHINE} (an Integer, 0 for none) and {@value #OPTIONS} (a list of
 * {@code [name, values, default, help]} string lists, in declaration order).
 */
final class ArchitectureCatalog {
    static final String ID = "id";
    static final String DESCRIPTION = "description";
    static final String ELF_MACHINE = "elfMachine";
    static final String OPTIONS = "options";

    private ArchitectureCatalog() {
    }

    static List<Map<String, Object>> describe(List<ArchCapabilities> archs) {
        return archs.stream().map(ArchitectureCatalog::describe).toList();
    }

    private static Map<String, Object> describe(ArchCapabilities c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ID, c.id());
        m.put(DESCRIPTION, c.description());
        m.put(ELF_MACHINE, c.elfMachine());
        m.put(OPTIONS, c.options().stream().map(ArchitectureCatalog::describe).toList());
        return m;
    }

    private static List<String> describe(ArchOption o) {
        return List.of(o.name(), o.values(), o.defaultValue(), o.help());
    }
}
