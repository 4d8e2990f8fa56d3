package org.polyvisor.launcher;

import java.io.File;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.launch.Framework;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code polyvisor} command: {@code polyvisor shell} (Felix with the Gogo shell) and {@code polyvisor run}
 * (one guest, headless). Exit codes: the guest's power-off status for {@code run}; 1 for an error (one line
 * {@code polyvisor: <message>} on stderr); 2 for bad arguments.
 */
@Command(name = "polyvisor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {Main.Shell.class, RunCommand.class, CommandLine.HelpCommand.class},
        description = "Polyvisor: a plugin-based multi-architecture hypervisor on OSGi (Apache Felix).")
public final class Main implements Runnable {
    /** Exit status for a run-time error. */
    public static final int EXIT_ERROR = 1;
    /** System property the shell's {@code exit N} sets (see {@link #exitStatus()}). */
    static final String SHELL_EXIT_STATUS = "polyvisor.shell.exitStatus";

    @Spec
    CommandSpec spec;

    /** The framework of this process, stopped by the shutdown hook (Ctrl-C) if still running. */
    static final AtomicReference<Framework> RUNNING = new AtomicReference<>();

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** The configured command line (requested help/version on stdout, argument errors on stderr). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(System.err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // `run --host nvhe`: options the architectures declare are not known before the bundles are asked, so an
        // unknown option reaches RunCommand as an argument and is checked there against the chosen architecture
        cl.setUnmatchedOptionsArePositionalParams(true);
        CommandLine run = cl.getSubcommands().get("run");
        run.getHelpSectionMap().put(RunCommand.SECTION_ARCHITECTURES, RunCommand::architecturesSection);
        List<String> keys = new ArrayList<>(run.getHelpSectionKeys());
        keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER), RunCommand.SECTION_ARCHITECTURES);
        run.setHelpSectionKeys(keys);
        return cl;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: use 'polyvisor shell' or 'polyvisor run'");
    }

    /** Options every subcommand has. */
    static final class Common {
        @Option(names = "--extra-bundles", paramLabel = "PATH", split = ",",
                description = "Extra bundle jars or folders of jars, installed at start level 5 "
                        + "(also -Dpolyvisor.extra=PATH:PATH...).")
        List<Path> extraBundles = new ArrayList<>();

        @Option(names = {"-v", "--verbose"}, description = "Log at info level (run) or debug level (shell) on stderr "
                + "(without it the shell logs to polyvisor-shell.log in the temporary folder, or -Dpolyvisor.log=FILE, "
                + "and shows warnings and errors only).")
        boolean verbose;

        @Option(names = "--home", paramLabel = "DIR", hidden = true,
                description = "The distribution folder (default: -Dpolyvisor.home, else the parent of lib/).")
        Path home;

        Path home() {
            if (home != null) {
                return home;
            }
            String prop = System.getProperty("polyvisor.home");
            if (prop != null && !prop.isBlank()) {
                return Path.of(prop);
            }
            try {
                Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                Path dist = jar.getParent() == null ? null : jar.getParent().getParent();
                if (dist != null && Files.isDirectory(dist.resolve("bundles"))) {
                    return dist;
                }
            } catch (URISyntaxException | RuntimeException ignored) {
                // fall through
            }
            throw new UserException("cannot find the distribution folder (bundles/): set -Dpolyvisor.home=DIR");
        }

        List<Path> extraBundles() {
            List<Path> all = new ArrayList<>(extraBundles);
            String prop = System.getProperty("polyvisor.extra");
            if (prop != null && !prop.isBlank()) {
                for (String p : prop.split(File.pathSeparator)) {
                    if (!p.isBlank()) {
                        all.add(Path.of(p));
                    }
                }
            }
            return all;
        }
    }

    /** An error whose message is meant for the user: printed as {@code polyvisor: <message>}, exit 1. */
    static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserException(String message) {
            super(message);
        }

        UserException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static int fail(String message) {
        System.out.flush();
        System.err.println("polyvisor: " + message);
        System.err.flush();
        return EXIT_ERROR;
    }

    static void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Framework fw = RUNNING.getAndSet(null);
            if (fw != null) {
                PolyvisorLauncher.stop(fw, 5_000);
            }
        }, "polyvisor-shutdown"));
    }

    @Command(name = "shell", mixinStandardHelpOptions = true,
            description = "Start Polyvisor with the Gogo shell (g! prompt). 'lb' lists the bundles, 'pv:' commands "
                    + "control VMs; end of input or 'exit 0' stops it.")
    static final class Shell implements Callable<Integer> {
        @Mixin
        Common common;

        @Override
        public Integer call() {
            try {
                if (common.verbose) {
                    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
                } else {
                    ShellLog.install();
                }
                Framework fw = PolyvisorLauncher.start(common.home(), Mode.SHELL, common.extraBundles());
                RUNNING.set(fw);
                installShutdownHook();
                fw.waitForStop(0); // the shell stops the framework at end of input or on 'exit'
                RUNNING.set(null);
                PolyvisorLauncher.stop(fw, 10_000);
                if (System.getProperty(SHELL_EXIT_STATUS) != null) {
                    // `exit` returns before the framework stops (ShellExit), so Gogo prints one more "g! " prompt:
                    // end its line, or the operator's own prompt would follow it
                    System.out.println();
                }
                return exitStatus();
            } catch (UserException e) {
                return fail(e.getMessage());
            } catch (Exception e) {
                return fail(PolyvisorLauncher.describe(e));
            }
        }
    }

    /**
     * The status {@code exit N} asked for: the framework's {@code exit} command (ShellExit) leaves it in this system
     * property, the one channel the launcher and the bundles share; 0 at end of input.
     */
    static int exitStatus() {
        String s = System.getProperty(SHELL_EXIT_STATUS);
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return EXIT_ERROR;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"polyvisor " + (v == null ? "(development build)" : v),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"};
        }
    }
}
