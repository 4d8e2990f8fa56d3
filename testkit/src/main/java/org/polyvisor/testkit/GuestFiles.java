package org.polyvisor.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the committed guest programs of one architecture are ({@code guests/<dir>} above the working directory). */
public final class GuestFiles {
    private GuestFiles() {
    }

    /**
     * The folder {@code guests/<arch>} found from the working directory upwards (a module or the repository).
     *
     * @param arch the guest folder's name, for example {@code arm64} or {@code ppc}
     * @return the folder
     */
    public static Path dir(String arch) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("guests").resolve(arch);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new AssertionError("guests/" + arch + " not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * A committed guest ELF; fails when it is missing (they are committed, so missing means a broken checkout).
     *
     * @param arch the guest folder's name
     * @param name the guest's name without {@code .elf}
     * @return the ELF file
     */
    public static Path elf(String arch, String name) {
        Path p = dir(arch).resolve(name + ".elf");
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("guest " + p + " is missing");
        }
        return p;
    }

    /**
     * Names of the guests that have a golden file ({@code NAME.expected}), sorted, without those excluded: the
     * parameters of a golden-file test.
     *
     * @param arch     the guest folder's name
     * @param excluded names to leave out (guests a suite runs separately)
     * @return guest names without extension
     * @throws IOException if the folder cannot be listed
     */
    public static List<String> withGoldenFiles(String arch, List<String> excluded) throws IOException {
        try (Stream<Path> s = Files.list(dir(arch))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".expected"))
                    .map(n -> n.substring(0, n.length() - ".expected".length()))
                    .filter(n -> !excluded.contains(n)).sorted().toList();
        }
    }
}
