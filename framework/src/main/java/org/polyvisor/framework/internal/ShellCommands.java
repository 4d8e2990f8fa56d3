package org.polyvisor.framework.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.api.VmState;
import org.polyvisor.spi.ArchCapabilities;
import org.polyvisor.spi.ArchOption;

/**
 * The {@code pv} Gogo commands. Each returns text (Gogo prints it); a failure prints one line on stderr that says
 * what went wrong and where ({@link ShellErrors}), without harming the framework or other VMs.
 */
@Component(service = ShellCommands.class, property = {
    "osgi.command.scope=pv",
    "osgi.command.function=archs", "osgi.command.function=create", "osgi.command.function=start",
    "osgi.command.function=pause", "osgi.command.function=resume", "osgi.command.function=stop",
    "osgi.command.function=destroy", "osgi.command.function=list", "osgi.command.function=exits",
    "osgi.command.function=console", "osgi.command.function=regs", "osgi.command.function=devices",
    "osgi.command.function=type", "osgi.command.function=pauses", "osgi.command.function=save", "osgi.command.function=restore",
    "osgi.command.function=swap", "osgi.command.function=refresh"})
public final class ShellCommands {
    private final VmManagerImpl mgr;
    private final BundleSwapper swapper;
    private final BundleRefresh refresher;

    @Activate
    public ShellCommands(@Reference VmManager manager, BundleContext context) {
        this.mgr = ((VmManagerService) manager).impl();
        this.swapper = new BundleSwapper(context, mgr);
        this.refresher = new BundleRefresh(context, swapper);
    }

    @Descriptor("list installed architectures with their ELF machine, capabilities, options and exit handlers")
    public String archs() {
        StringBuilder sb = new StringBuilder();
        List<ArchCapabilities> archs = mgr.architectureCapabilities();
        sb.append("architectures:").append(archs.isEmpty() ? " none installed\n" : "\n");
        for (ArchCapabilities c : archs) {
            describe(sb, c);
        }
        sb.append("VM extensions: ").append(mgr.extensionIds().isEmpty() ? "none" : String.join(", ", mgr.extensionIds()))
                .append('\n');
        sb.append("exit handlers:\n");
        mgr.exitHandlers().forEach((arch, m) -> m.forEach((cls, h) ->
                sb.append("  ").append(arch).append('/').append(cls).append(" -> ").append(h).append('\n')));
        return sb.toString();
    }

    private static void describe(StringBuilder sb, ArchCapabilities c) {
        sb.append("  ").append(c.id()).append(": ").append(c.description()).append('\n');
        if (c.elfMachine() != ArchCapabilities.NO_ELF_MACHINE) {
            sb.append("    elf-machine = ").append(c.elfMachine()).append('\n');
        }
        new TreeMap<>(c.capabilities()).forEach((k, v) -> sb.append("    ").append(k).append(" = ").append(v).append('\n'));
        for (ArchOption o : c.options()) {
            sb.append("    option ").append(o.describe()).append('\n');
        }
    }

    @Descriptor("create a VM from an ELF image; prints its id")
    public String create(
            @Descriptor("architecture id (see pv:archs)") @Parameter(names = {"-a", "--arch"}, absentValue = "") String arch,
            @Descriptor("guest RAM, e.g. 128M") @Parameter(names = {"-m", "--mem"}, absentValue = "128M") String mem,
            @Descriptor("number of vCPUs") @Parameter(names = {"-c", "--smp"}, absentValue = "1") int smp,
            @Descriptor("architecture options key=value[,key=value...]") @Parameter(names = {"-o", "--options"}, absentValue = "") String options,
            @Descriptor("VM name") @Parameter(names = {"-n", "--name"}, absentValue = "") String name,
            @Descriptor("path of the ELF image") String image) {
        return call("create", () -> {
            if (arch.isEmpty()) {
                throw new VmException("pv:create needs --arch (installed: " + mgr.architectureCapabilities().stream()
                        .map(ArchCapabilities::id).toList() + ")");
            }
            VmConfig cfg = new VmConfig(name, arch, VmConfig.parseSize(mem), smp, Path.of(image), parseOptions(options));
            return "VM " + mgr.create(cfg) + " created";
        });
    }

    static Map<String, String> parseOptions(String options) {
        Map<String, String> out = new TreeMap<>();
        if (options == null || options.isBlank()) {
            return out;
        }
        for (String kv : options.split(",")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new VmException("option '" + kv + "' is not of the form key=value");
            }
            out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return out;
    }

    @Descriptor("start a created VM")
    public String start(@Descriptor("VM id") int id) {
        return call("start", () -> {
            mgr.start(id);
            return "VM " + id + " started";
        });
    }

    @Descriptor("pause a running VM at an instruction boundary")
    public String pause(@Descriptor("VM id") int id) {
        return call("pause", () -> {
            long t0 = System.nanoTime();
            mgr.pause(id);
            return "VM " + id + " paused in " + (System.nanoTime() - t0) / 1000 + " us";
        });
    }

    @Descriptor("resume a paused VM, or one stopped in INTERNAL_ERROR by an exit it could not handle")
    public String resume(@Descriptor("VM id") int id) {
        return call("resume", () -> {
            mgr.resume(id);
            return "VM " + id + " resumed";
        });
    }

    @Descriptor("stop a VM (memory is kept until destroy)")
    public String stop(@Descriptor("VM id") int id) {
        return call("stop", () -> {
            mgr.stop(id);
            return "VM " + id + " stopped";
        });
    }

    @Descriptor("stop a VM and free its memory")
    public String destroy(@Descriptor("VM id") int id) {
        return call("destroy", () -> {
            mgr.destroy(id);
            return "VM " + id + " destroyed";
        });
    }

    @Descriptor("list VMs")
    public String list() {
        StringBuilder sb = new StringBuilder(String.format("%-4s %-16s %-10s %-14s %5s %10s %10s  %s%n", "ID", "NAME",
                "ARCH", "STATE", "VCPUS", "MEMORY", "RESIDENT", "NOTE"));
        for (VmInfo i : mgr.list()) {
            String note = i.state() == VmState.INTERNAL_ERROR ? "stopped: " + i.error() + " (state kept; pv:resume continues)"
                    : !i.error().isEmpty() ? "error: " + i.error()
                    : !i.waitingFor().isEmpty() ? "waiting for " + i.waitingFor()
                    : i.state() == VmState.STOPPED ? "exit status " + i.exitStatus() : "";
            sb.append(String.format("%-4d %-16s %-10s %-14s %5d %9dM %9dK  %s%n", i.id(), i.name(), i.arch(), i.state(),
                    i.vcpus(), i.memoryBytes() >> 20, i.residentBytes() >> 10, note));
        }
        return sb.toString();
    }

    @Descriptor("exit counts of a VM by exit class: exits returned to the framework, and exits the architecture resolved itself")
    public String exits(@Descriptor("VM id") int id) {
        return call("exits", () -> {
            Map<String, Long> dispatched = mgr.exitCounts(id);
            Map<String, Long> resolved = mgr.resolvedExitCounts(id);
            if (dispatched.isEmpty() && resolved.isEmpty()) {
                return "no exits yet";
            }
            StringBuilder sb = new StringBuilder("exits returned to the framework:\n");
            dispatched.forEach((k, v) -> sb.append(String.format("  %-16s %,d%n", k, v)));
            sb.append("exits resolved inside the architecture:\n");
            resolved.forEach((k, v) -> sb.append(String.format("  %-16s %,d%n", k, v)));
            return sb.toString();
        });
    }

    @Descriptor("the last 64 KiB a VM wrote to its console")
    public String console(@Descriptor("VM id") int id) {
        return call("console", () -> new String(mgr.consoleTail(id), StandardCharsets.UTF_8));
    }

    @Descriptor("send text to a VM's console input")
    public String type(@Descriptor("VM id") int id, @Descriptor("text (\\n for newline)") String text) {
        return call("type", () -> {
            mgr.typeConsole(id, text.replace("\\n", "\n").getBytes(StandardCharsets.UTF_8));
            return "";
        });
    }

    @Descriptor("registers of each vCPU of a paused VM")
    public String regs(@Descriptor("VM id") int id) {
        return call("regs", () -> {
            StringBuilder sb = new StringBuilder();
            List<Map<String, Long>> all = mgr.registers(id);
            for (int i = 0; i < all.size(); i++) {
                sb.append("vCPU ").append(i).append(":\n");
                int col = 0;
                for (Map.Entry<String, Long> e : all.get(i).entrySet()) {
                    sb.append(String.format("  %-12s %016x", e.getKey(), e.getValue()));
                    if (++col % 3 == 0) {
                        sb.append('\n');
                    }
                }
                sb.append('\n');
            }
            return sb.toString();
        });
    }

    @Descriptor("guest-visible pauses of a VM's last swaps (ms), with p50/p99")
    public String pauses(@Descriptor("VM id") int id) {
        return call("pauses", () -> {
            long[] p = mgr.swapPauses(id).clone();
            if (p.length == 0) {
                return "VM " + id + ": no swaps yet";
            }
            StringBuilder sb = new StringBuilder("VM " + id + " swap pauses (ms):");
            for (long v : p) {
                sb.append(String.format(" %.2f", v / 1e6));
            }
            Arrays.sort(p);
            sb.append(String.format("%np50 %.2f ms, p99 %.2f ms, max %.2f ms (%d swaps)%n", p[p.length / 2] / 1e6,
                    p[Math.max(0, (int) Math.ceil(p.length * 0.99) - 1)] / 1e6, p[p.length - 1] / 1e6, p.length));
            return sb.toString();
        });
    }

    @Descriptor("the device map of a VM")
    public String devices(@Descriptor("VM id") int id) {
        return call("devices", () -> mgr.devices(id));
    }

    @Descriptor("save a VM to a snapshot file: paused or stopped, or with --live while it runs (memory copied in "
            + "rounds as the guest writes it, then a short pause for the last pages and the CPU state; needs a machine "
            + "with dirty-page logging)")
    public String save(
            @Descriptor("save a running VM, pausing it only briefly at the end") @Parameter(names = {"-l", "--live"},
                    presentValue = "true", absentValue = "false") boolean live,
            @Descriptor("VM id") int id, @Descriptor("snapshot file") String file) {
        return call("save", () -> live ? mgr.saveLive(id, Path.of(file)).summary() : mgr.saveSnapshot(id, Path.of(file)));
    }

    @Descriptor("restore a VM from a snapshot file (created paused; pv:resume starts it)")
    public String restore(@Descriptor("snapshot file") String file) {
        return call("restore", () -> "VM " + mgr.restoreSnapshot(Path.of(file)) + " restored (paused)");
    }

    @Descriptor("replace a bundle with a jar while VMs run: side by side (the new revision starts next to the old one, VMs move over) or, when that is not possible, update + refresh")
    public String swap(@Descriptor("bundle id or symbolic name") String bundle, @Descriptor("path of the new jar") String jar) {
        return call("swap", () -> swapper.swap(bundle, Path.of(jar)));
    }

    @Descriptor("refresh bundles after Felix's update, waiting until the framework is done (Felix's own refresh "
            + "fails without arguments); none given: every bundle whose old revision is still pending removal")
    public String refresh(@Descriptor("bundle ids or symbolic names (optional)") String... bundles) {
        return call("refresh", () -> refresher.refresh(bundles));
    }

    interface Action {
        String run() throws Exception;
    }

    /**
     * Runs a command; a failure is printed on the session's stderr as {@code pv:NAME: message} (Gogo redirects
     * System.err per command) and the command returns nothing, so the shell shows the message and no exception
     * class name.
     */
    static String call(String command, Action a) {
        try {
            return a.run();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("pv:" + command + ": " + ShellErrors.describe(e));
            return null;
        }
    }
}
