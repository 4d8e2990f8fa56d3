import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one assembly step of every Polyvisor build (docs/custom-builds.md), run by distribution/pom.xml with the JDK's
 * single-file launcher after bnd resolved {@code builds/*.bndrun} and exported each build's bundles:
 *
 * <pre>java Assemble.java SKELETON BUILDS EXPORT LEVELS OUT</pre>
 *
 * For each resolved {@code BUILDS/NAME.bndrun} with its exported bundles in {@code EXPORT/NAME/}, lays out
 * {@code OUT/polyvisor} (NAME {@code full}) or {@code OUT/polyvisor-NAME}: the launcher files from SKELETON
 * ({@code bin/ lib/ extra/ hot/}), each bundle in {@code bundles/<level>/} or {@code bundles/shell/} by its symbolic
 * name in LEVELS (a properties file; unlisted bundles start at level 5 with the architectures and plugins), and a
 * {@code README.txt} that names the build and its bundles. A build folder is replaced whole, so a bundle removed from
 * a build never lingers. Steps that every build needs (an AOT cache, say) belong here, after {@link #assemble}.
 */
public final class Assemble {
    private static final String DEFAULT_LEVEL = "5";
    /** One -runbundles clause: {@code bsn;version='[1.0,1.0.1)'}. */
    private static final Pattern RUNBUNDLE = Pattern.compile("([^\\s,;\\\\]+);version=");

    private Assemble() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: java Assemble.java SKELETON BUILDS EXPORT LEVELS OUT");
            System.exit(2);
        }
        Path skeleton = Path.of(args[0]);
        Path builds = Path.of(args[1]);
        Path export = Path.of(args[2]);
        Properties levels = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[3]))) {
            levels.load(in);
        }
        Path out = Path.of(args[4]);
        List<Path> bndruns;
        try (var s = Files.list(builds)) {
            bndruns = s.filter(p -> p.getFileName().toString().endsWith(".bndrun")).sorted().toList();
        }
        if (bndruns.isEmpty()) {
            fail("no resolved .bndrun in " + builds + ": run the bnd resolver first (distribution/pom.xml)");
        }
        for (Path bndrun : bndruns) {
            String name = bndrun.getFileName().toString().replaceFirst("\\.bndrun$", "");
            Path exported = export.resolve(name);
            if (!Files.isDirectory(exported)) {
                fail("build " + name + ": no exported bundles in " + exported + " (bnd-export-maven-plugin)");
            }
            Path dir = out.resolve(name.equals("full") ? "polyvisor" : "polyvisor-" + name);
            assemble(name, runbundles(bndrun), skeleton, exported, levels, dir);
            System.out.println("[assemble] build " + name + " -> " + dir);
        }
    }

    /**
     * Lays out one build's folder (replacing it): launcher files, the resolved bundles by start level, README.txt.
     * Only the jars of the resolved set are taken: the export folder keeps jars of earlier resolutions until a clean.
     */
    static void assemble(String name, Set<String> resolved, Path skeleton, Path exported, Properties levels, Path dir)
            throws IOException {
        deleteTree(dir);
        copyTree(skeleton, dir);
        TreeMap<String, List<String>> byLevel = new TreeMap<>();
        Set<String> missing = new TreeSet<>(resolved);
        for (Path jar : jars(exported)) {
            String bsn = symbolicName(jar);
            if (!missing.remove(bsn)) {
                continue;
            }
            String level = levels.getProperty(bsn, DEFAULT_LEVEL).trim();
            if (!level.equals("shell") && !level.matches("[1-9][0-9]*")) {
                fail("start-levels.properties: " + bsn + "=" + level + " is neither a start level (1, 2, ...)"
                        + " nor shell");
            }
            Path target = dir.resolve("bundles").resolve(level);
            Files.createDirectories(target);
            Files.copy(jar, target.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            byLevel.computeIfAbsent(level, k -> new ArrayList<>()).add(bsn);
        }
        if (!missing.isEmpty()) {
            fail("build " + name + ": no exported jar in " + exported + " for the resolved bundles " + missing);
        }
        for (Path script : files(dir.resolve("bin"), "")) {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(script));
            perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
            Files.setPosixFilePermissions(script, perms);
        }
        Files.writeString(dir.resolve("README.txt"), readme(name, byLevel));
    }

    private static String readme(String name, TreeMap<String, List<String>> byLevel) {
        StringBuilder b = new StringBuilder();
        b.append("Polyvisor, build '").append(name).append("' (distribution/builds/").append(name)
                .append(".bndrun, resolved by bnd at build time)\n\n");
        b.append("  bin/polyvisor run [options] IMAGE.elf   run one guest; stdout is the guest console\n");
        b.append("  bin/polyvisor run --help                options, and the architectures this build contains\n");
        b.append("  bin/polyvisor shell                     the Felix shell (g!): lb, pv:archs, pv:create, ...\n\n");
        b.append("Bundles (bundles/<start level>/; bundles/shell/ only for `polyvisor shell`):\n");
        byLevel.forEach((level, names) -> {
            for (String n : new TreeSet<>(names)) {
                b.append("  ").append(level).append("  ").append(n).append('\n');
            }
        });
        b.append("\nextra/: jars installed with the build at start; hot/: jars dropped here replace the installed\n");
        b.append("bundle of the same symbolic name while VMs run. Writing a build: docs/custom-builds.md.\n");
        return b.toString();
    }

    /** The symbolic names in a resolved .bndrun's {@code -runbundles} header (bnd writes one bundle per line). */
    static Set<String> runbundles(Path bndrun) throws IOException {
        Set<String> out = new TreeSet<>();
        boolean inHeader = false;
        for (String line : Files.readAllLines(bndrun)) {
            String t = line.strip();
            if (t.startsWith("-runbundles:")) {
                inHeader = true;
                t = t.substring("-runbundles:".length()).strip();
            } else if (!inHeader) {
                continue;
            }
            Matcher m = RUNBUNDLE.matcher(t);
            while (m.find()) {
                out.add(m.group(1));
            }
            if (!t.endsWith("\\")) {
                break;
            }
        }
        if (out.isEmpty()) {
            fail(bndrun + " has no -runbundles: was it resolved (bnd-resolver-maven-plugin)?");
        }
        return out;
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                fail(jar + " is not an OSGi bundle (no Bundle-SymbolicName)");
            }
            return bsn.split(";", 2)[0].trim();
        }
    }

    private static List<Path> jars(Path dir) throws IOException {
        return files(dir, ".jar");
    }

    /** The regular files in the folder whose names end with the suffix, sorted; none if there is no folder. */
    private static List<Path> files(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix)).sorted()
                    .toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.copy(f, to.resolve(from.relativize(f)), StandardCopyOption.COPY_ATTRIBUTES,
                        StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static void fail(String message) {
        System.err.println("[assemble] " + message);
        System.exit(1);
    }
}
