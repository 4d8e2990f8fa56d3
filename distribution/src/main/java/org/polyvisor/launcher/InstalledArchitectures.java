package org.polyvisor.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the installed architecture bundles offer, as the framework's headless runner describes them (JDK types only:
 * the launcher shares no Polyvisor class with the bundles), and the launcher's decisions made from it: which
 * architecture boots an image, and which {@code -o KEY=VALUE} / {@code --NAME VALUE} options it accepts. The launcher
 * knows no architecture id, ELF machine or option name of its own.
 */
record InstalledArchitectures(List<Arch> archs) {
    /** One installed architecture: its id, one line, the ELF e_machine it boots (0: none) and its options. */
    record Arch(String id, String description, int elfMachine, List<Option> options) {
        Option option(String name) {
            return options.stream().filter(o -> o.name.equals(name)).findFirst().orElse(null);
        }

        String optionList() {
            return options.isEmpty() ? "it has none"
                    : String.join("; ", options.stream().map(Option::describe).toList());
        }
    }

    /** A declared option: {@code name=values (default d): help}. */
    record Option(String name, String values, String defaultValue, String help) {
        String describe() {
            return name + "=" + values + " (default " + defaultValue + ")";
        }
    }

    InstalledArchitectures {
        archs = List.copyOf(archs);
    }

    /** Reads the framework's description (see the framework's ArchitectureCatalog). */
    static InstalledArchitectures fromCatalog(Object catalog) {
        List<Arch> out = new ArrayList<>();
        if (catalog instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    List<Option> opts = new ArrayList<>();
                    if (m.get("options") instanceof List<?> ol) {
                        for (Object x : ol) {
                            if (x instanceof List<?> f && f.size() == 4) {
                                opts.add(new Option(String.valueOf(f.get(0)), String.valueOf(f.get(1)),
                                        String.valueOf(f.get(2)), String.valueOf(f.get(3))));
                            }
                        }
                    }
                    int machine = m.get("elfMachine") instanceof Integer i ? i : 0;
                    out.add(new Arch(String.valueOf(m.get("id")), String.valueOf(m.get("description")), machine, opts));
                }
            }
        }
        return new InstalledArchitectures(out);
    }

    /** The installed ids with their ELF machines, for error messages: {@code arm64 (ELF machine 183), ...}. */
    String summary() {
        if (archs.isEmpty()) {
            return "none";
        }
        return String.join(", ", archs.stream().map(a -> a.id + (a.elfMachine == 0 ? "" : " (ELF machine "
                + a.elfMachine + ")")).distinct().toList());
    }

    /**
     * The architecture that runs the image: the one named by {@code --arch}, else the one whose ELF machine matches
     * the image's e_machine. Refused with the installed architectures listed.
     */
    Arch choose(String archId, int elfMachine, Path image) {
        if (archId != null) {
            return archs.stream().filter(a -> a.id.equals(archId)).findFirst().orElseThrow(() -> new Main.UserException(
                    "no architecture '" + archId + "' is installed (installed: " + summary() + ")"));
        }
        return archs.stream().filter(a -> a.elfMachine != 0 && a.elfMachine == elfMachine).findFirst()
                .orElseThrow(() -> new Main.UserException(image + ": no installed architecture boots ELF machine "
                        + elfMachine + named(elfMachine) + " (installed: " + summary() + "); this build does not"
                        + " contain it: install its bundle, use a build that contains it (docs/custom-builds.md),"
                        + " or name one with --arch"));
    }

    private static String named(int elfMachine) {
        String name = ElfHeader.machineName(elfMachine);
        return name.isEmpty() ? "" : " (" + name + ")";
    }

    /**
     * The VM options as {@code KEY=VALUE}: the {@code -o} ones, then the {@code --NAME VALUE} ones (each must name an
     * option the architecture declares). The architecture still validates the values when it builds the machine.
     *
     * @param flags {@code --NAME VALUE} pairs as given, {@code {"NAME", "VALUE"}}
     * @throws Main.UserException naming the option and the architecture and listing its options
     */
    static List<String> options(Arch arch, List<String> options, List<String[]> flags) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : options) {
            int eq = kv.indexOf('=');
            String name = kv.substring(0, eq);
            if (arch.option(name) == null) {
                throw new Main.UserException("unknown option '" + name + "' of architecture " + arch.id
                        + " (its options: " + arch.optionList() + ")");
            }
            out.put(name, kv.substring(eq + 1));
        }
        for (String[] f : flags) {
            if (arch.option(f[0]) == null) {
                throw new Main.UserException("unknown option '--" + f[0] + "': not a run option nor an option of"
                        + " architecture " + arch.id + " (its options: " + arch.optionList() + ")");
            }
            out.put(f[0], f[1]);
        }
        List<String> list = new ArrayList<>();
        out.forEach((k, v) -> list.add(k + "=" + v));
        return list;
    }

    /** The installed architectures and their options, for {@code run --help}. */
    String describe() {
        if (archs.isEmpty()) {
            return "Installed architectures: none\n";
        }
        StringBuilder sb = new StringBuilder("Installed architectures (chosen by the image's ELF machine, or --arch):\n");
        for (Arch a : archs) {
            sb.append("  ").append(a.id);
            if (a.elfMachine != 0) {
                sb.append(" (ELF machine ").append(a.elfMachine).append(')');
            }
            sb.append(": ").append(a.description).append('\n');
            for (Option o : a.options) {
                sb.append("      -o ").append(o.describe()).append(", or --").append(o.name).append(' ')
                        .append(o.values).append(": ").append(o.help).append('\n');
            }
        }
        return sb.toString();
    }
}
