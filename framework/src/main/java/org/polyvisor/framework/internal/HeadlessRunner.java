package org.polyvisor.framework.internal;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.spi.ArchCapabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one VM for {@code bin/polyvisor run}. The launcher registers a {@link CompletableFuture} service with the
 * property {@code polyvisor.run=true} and the run parameters as service properties (a JDK type, so no Polyvisor
 * class has to be shared with the launcher's class loader); this component runs the VM, streams the guest console
 * to the process's stdout byte for byte (or to the {@code OutputStream} in {@code polyvisor.run.console}), and
 * completes the future with the guest's exit status, or exceptionally with a message for the user.
 *
 * <p>A request with {@code polyvisor.run.describe=true} asks which architectures are installed instead: the future
 * completes with {@link ArchitectureCatalog#describe} of them, after waiting (bounded) for the one named by
 * {@code polyvisor.run.arch} or booting the ELF machine in {@code polyvisor.run.elfMachine}. The launcher chooses
 * the architecture and checks the options with it, so it knows no architecture itself.
 */
@Component(immediate = true)
public final class HeadlessRunner {
    private static final Logger LOG = LoggerFactory.getLogger(HeadlessRunner.class);
    static final String PREFIX = "polyvisor.run";
    /** The launcher asks only after every start level is reached; a short grace covers DS activating late. */
    private static final long ARCH_WAIT_MILLIS = 3_000;

    private final VmManagerImpl mgr;

    @Activate
    public HeadlessRunner(@Reference VmManager manager) {
        this.mgr = ((VmManagerService) manager).impl();
    }

    @Reference(service = CompletableFuture.class, target = "(" + PREFIX + "=true)",
            cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindRequest(CompletableFuture<Object> result, Map<String, Object> props) {
        Runnable job = Boolean.TRUE.equals(props.get(PREFIX + ".describe")) ? () -> describe(result, props)
                : () -> run(result, props);
        Thread t = new Thread(job, "pv-headless-run");
        t.setDaemon(true);
        t.start();
    }

    void unbindRequest(CompletableFuture<Object> result) {
        // The launcher withdraws its request only when it is done with it.
    }

    private void describe(CompletableFuture<Object> result, Map<String, Object> p) {
        Predicate<ArchCapabilities> wanted = p.get(PREFIX + ".arch") instanceof String id ? c -> c.id().equals(id)
                : p.get(PREFIX + ".elfMachine") instanceof Integer m ? c -> c.elfMachine() == m
                : c -> true;
        try {
            mgr.awaitArchitecture(wanted, ARCH_WAIT_MILLIS);
            result.complete(ArchitectureCatalog.describe(mgr.architectureCapabilities()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(new VmException("interrupted"));
        } catch (RuntimeException e) {
            LOG.error("listing the architectures failed", e);
            result.completeExceptionally(new VmException("internal error: " + e, e));
        }
    }

    private void run(CompletableFuture<Object> result, Map<String, Object> props) {
        try {
            result.complete(runVm(props));
        } catch (VmException e) {
            result.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(new VmException("interrupted"));
        } catch (RuntimeException e) {
            LOG.error("headless run failed", e);
            result.completeExceptionally(new VmException("internal error: " + e, e));
        }
    }

    private int runVm(Map<String, Object> p) throws InterruptedException {
        long timeout = number(p, "timeout", 0);
        boolean restore = p.get(PREFIX + ".restore") instanceof String;
        int id;
        // Bundles start asynchronously: the architecture may register a moment after the launcher asks.
        if (restore) {
            Path snapshot = Path.of(string(p, "restore"));
            String arch = SnapshotFiles.architectureOf(snapshot);
            mgr.awaitArchitecture(c -> c.id().equals(arch), ARCH_WAIT_MILLIS);
            id = mgr.restoreSnapshot(snapshot);
        } else {
            String arch = string(p, "arch");
            VmConfig config = new VmConfig(null, arch, number(p, "mem", 128L << 20), (int) number(p, "smp", 1),
                    Path.of(string(p, "image")), options(p.get(PREFIX + ".options")));
            mgr.awaitArchitecture(c -> c.id().equals(arch), ARCH_WAIT_MILLIS);
            id = mgr.create(config);
        }
        // The console goes to the process's stdout (fd 1, not System.out, which the launcher points at stderr while a
        // guest runs) unless the request brings its own stream (in-process callers, tests).
        OutputStream out = p.get(PREFIX + ".console") instanceof OutputStream given ? given
                : new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        try (AutoCloseable sink = mgr.attachConsole(id, b -> write(out, b))) {
            if (restore) {
                mgr.resume(id); // a restored VM is created paused
            } else {
                mgr.start(id);
            }
            VmInfo info = mgr.awaitTermination(id, timeout > 0 ? timeout : Long.MAX_VALUE / 4);
            if (info.state() == VmState.INTERNAL_ERROR) {
                // no shell to inspect or resume it in a headless run: report it as the run's failure
                mgr.stop(id);
                throw new VmException("VM " + id + " stopped: " + info.error());
            }
            if (info.state() != VmState.STOPPED && info.state() != VmState.FAILED) {
                mgr.stop(id);
                throw new VmException("the guest did not power off within " + timeout / 1000.0 + " s (VM " + id + " "
                        + info.state() + ")");
            }
            if (info.state() == VmState.FAILED) {
                throw new VmException(info.error());
            }
            LOG.info("VM {} powered off with status {}; exits: {}", id, info.exitStatus(), mgr.exitCounts(id));
            return info.exitStatus();
        } catch (VmException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new VmException("console: " + e, e);
        } finally {
            flush(out);
            mgr.destroy(id);
        }
    }

    private static void write(OutputStream out, int b) {
        try {
            out.write(b);
            if (b == '\n') {
                out.flush();
            }
        } catch (IOException e) {
            // stdout closed under us (`polyvisor run x.elf | head`): end the run like a Unix tool, without a trace
            throw new VmException("the console output was closed (" + e.getMessage() + ")");
        }
    }

    private static void flush(OutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            LOG.debug("flushing the console failed: {}", e.toString()); // already reported by write()
        }
    }

    private static String string(Map<String, Object> p, String key) {
        Object v = p.get(PREFIX + "." + key);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new VmException("run request is missing " + PREFIX + "." + key);
        }
        return s;
    }

    private static long number(Map<String, Object> p, String key, long dflt) {
        Object v = p.get(PREFIX + "." + key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString());
        } catch (NumberFormatException e) {
            throw new VmException(PREFIX + "." + key + " '" + v + "' is not a number");
        }
    }

    private static Map<String, String> options(Object o) {
        Map<String, String> out = new TreeMap<>();
        String[] items = o instanceof String[] a ? a : o instanceof String s && !s.isEmpty() ? new String[] {s}
                : new String[0];
        for (String kv : items) {
            out.putAll(ShellCommands.parseOptions(kv));
        }
        return out;
    }
}
