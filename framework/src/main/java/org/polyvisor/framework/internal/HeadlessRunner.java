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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one VM for {@code bin/polyvisor run}. The launcher registers a {@link CompletableFuture} service with the
 * property {@code polyvisor.run=true} and the run parameters as service properties (a JDK type, so no Polyvisor
 * class has to be shared with the launcher's class loader); this component runs the VM, streams the guest console
 * to the process's stdout byte for byte (or to the {@code OutputStream} in {@code polyvisor.run.console}), and
 * completes the future with the guest's exit status, or exceptionally with a message for the user.
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
        Thread t = new Thread(() -> run(result, props), "pv-headless-run");
        t.setDaemon(true);
        t.start();
    }

    void unbindRequest(CompletableFuture<Object> result) {
        // The launcher withdraws its request only when it is done with it.
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
        if (restore) {
            // the snapshot names its architecture; give it the same grace as a fresh run
            long deadline = System.currentTimeMillis() + ARCH_WAIT_MILLIS;
            while (true) {
                try {
                    id = mgr.restoreSnapshot(Path.of(string(p, "restore")));
                    break;
                } catch (VmException e) {
                    if (!e.getMessage().contains("is not installed") || System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                    Thread.sleep(20);
                }
            }
        } else {
            String arch = string(p, "arch");
            VmConfig config = new VmConfig(null, arch, number(p, "mem", 128L << 20), (int) number(p, "smp", 1),
                    Path.of(string(p, "image")), options(p.get(PREFIX + ".options")));
            long deadline = System.currentTimeMillis() + ARCH_WAIT_MILLIS;
            while (!mgr.hasArchitecture(arch) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20); // bundles start asynchronously; the architecture may register a moment later
            }
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
