package org.polyvisor.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Builds {@code samples/hypercall-tracer} exactly as an author outside the tree would: the folder alone is copied to
 * {@code target/outside}, and the outer build's Maven runs {@code verify} on it (its own tests included) with a
 * settings file that adds the SDK repository ({@code target/sdk-repo}) and a fresh local repository. Third-party
 * artifacts come from the outer build's local repository, used read-only as a remote repository that serves releases
 * only; every {@code org.polyvisor} artifact is a snapshot, so it can only come from the SDK repository, and the test
 * checks the origin Maven recorded for each one.
 */
class SampleBuildIT {
    private static final String SAMPLE = "hypercall-tracer";
    private static final List<String> SDK = List.of("polyvisor-parent", "polyvisor-sdk-bom", "polyvisor-framework",
            "polyvisor-testkit", "polyvisor-arch-arm64");

    private static Path property(String name) {
        String v = System.getProperty(name);
        assertTrue(v != null && !v.isBlank(), "system property " + name + " is not set (run through Maven)");
        return Path.of(v);
    }

    @Test
    void theSampleBuildsAndPassesItsTestsWithThePublishedSdkAlone() throws Exception {
        Path sdkRepo = property("polyvisor.sdk.repo");
        assertTrue(Files.isRegularFile(sdkRepo.resolve("org/polyvisor/polyvisor-sdk-bom/0.1.0-SNAPSHOT/"
                + "polyvisor-sdk-bom-0.1.0-SNAPSHOT.pom")), "no SDK in " + sdkRepo + ": run ./mvnw verify on the "
                + "whole reactor (the SDK modules publish there at verify)");
        Path out = property("polyvisor.samples.out");
        Path project = out.resolve(SAMPLE);
        Path localRepo = out.resolve("repo");
        deleteTree(out);
        copyTree(property("polyvisor.repo").resolve("samples").resolve(SAMPLE), project);
        Path settings = Files.writeString(out.resolve("settings.xml"), settings(localRepo, sdkRepo,
                property("polyvisor.maven.localRepository")));

        List<String> command = new ArrayList<>(List.of(property("polyvisor.maven.home").resolve("bin/mvn").toString(),
                "-B", "-ntp", "-s", settings.toString(), "verify"));
        if ("offline=true".equals(System.getProperty("polyvisor.maven.offline"))) {
            // offline as the outer build: file: repositories stay usable (Maven Resolver's offline protocols)
            command.addAll(List.of("-o", "-Daether.offline.protocols=file"));
        }
        Path log = out.resolve("build.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_OPTS");
        Process p = pb.start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String text = Files.readString(log);
        assertTrue(done, "the sample's build did not end in 5 minutes; its log:\n" + tail(text));
        assertEquals(0, p.exitValue(), "the sample's build failed; its log (" + log + "):\n" + tail(text));

        Matcher tests = Pattern.compile("Tests run: (\\d+), Failures: 0, Errors: 0, Skipped: 0\\s*$",
                Pattern.MULTILINE).matcher(text);
        assertTrue(tests.find() && Integer.parseInt(tests.group(1)) >= 5, "the sample's tests did not all run:\n"
                + tail(text));
        assertTrue(Files.isRegularFile(project.resolve("target/" + SAMPLE + "-1.0.0.jar")), "no bundle built");
        for (String artifact : SDK) {
            Path dir = localRepo.resolve("org/polyvisor").resolve(artifact).resolve("0.1.0-SNAPSHOT");
            Path origin = dir.resolve("_remote.repositories");
            assertTrue(Files.isRegularFile(origin), artifact + " was not resolved into " + dir);
            for (String line : Files.readAllLines(origin)) {
                assertTrue(line.startsWith("#") || line.endsWith(">polyvisor-sdk="), artifact
                        + " came from somewhere else than the SDK repository: " + line);
            }
        }
        try (Stream<Path> s = Files.list(localRepo.resolve("org/polyvisor"))) {
            List<String> resolved = s.map(x -> x.getFileName().toString()).sorted().toList();
            assertTrue(SDK.containsAll(resolved), "org.polyvisor artifacts outside the SDK: " + resolved);
        }
    }

    /**
     * What an outside author's settings would say, plus the outer build's local repository in place of Maven
     * Central (releases only), so that the build works offline and fast.
     */
    private static String settings(Path localRepo, Path sdkRepo, Path hostRepo) {
        return """
                <settings>
                  <localRepository>%s</localRepository>
                  <profiles><profile><id>polyvisor-sdk</id>
                    <repositories>
                      <repository><id>polyvisor-sdk</id><url>%s</url>
                        <releases><enabled>false</enabled></releases>
                        <snapshots><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></snapshots></repository>
                      <repository><id>central</id><url>%s</url>
                        <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots></repository>
                    </repositories>
                    <pluginRepositories>
                      <pluginRepository><id>central</id><url>%s</url>
                        <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots></pluginRepository>
                    </pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>polyvisor-sdk</activeProfile></activeProfiles>
                </settings>
                """.formatted(localRepo, sdkRepo.toUri(), hostRepo.toUri(), hostRepo.toUri());
    }

    private static String tail(String text) {
        return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.filter(f -> !from.relativize(f).startsWith("target")).toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(f);
            }
        }
    }
}
