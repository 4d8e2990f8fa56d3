package org.polyvisor.ppc.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.polyvisor.api.VmConfig;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.framework.internal.StandaloneContext;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.hyp.PpcExit;
import org.polyvisor.ppc.internal.hyp.PpcVcpu;
import org.polyvisor.ppc.internal.machine.PpcMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.MmioBus;

/**
 * A ppc-booke VM with a run loop of its own (no framework threads), for tests that reach into the vCPU: hooks,
 * hypervisor statistics, state export in the middle of a run. MMIO and the exit classes are handled as the
 * framework and this bundle's exit handlers would.
 */
public final class LocalVm implements AutoCloseable {
    public final GuestMemory memory;
    public final StringBuilder console = new StringBuilder();
    public final Map<String, Long> exits = new TreeMap<>();
    public final List<PpcExit> archExits = new ArrayList<>();
    public final PpcMachine machine;
    public final PpcVcpu vcpu;
    public Exit.Shutdown shutdown;

    private final StandaloneContext context;

    public MmioBus bus() {
        return context.mmio();
    }

    public LocalVm(Path elf, Map<String, String> options) {
        VmConfig cfg = VmConfig.of("ppc-booke", GuestRun.RAM, 1, elf);
        for (var e : options.entrySet()) {
            cfg = cfg.withOption(e.getKey(), e.getValue());
        }
        context = new StandaloneContext(cfg, b -> console.append((char) b));
        memory = context.memory();
        machine = (PpcMachine) new PpcArchitecture().createMachine(context);
        vcpu = machine.vcpu(0);
        if (elf != null) {
            machine.boot(ElfImage.read(elf));
        }
    }

    /** Runs until the next exit that is not MMIO; returns it (after counting it). */
    public Exit next() {
        while (true) {
            Exit e = vcpu.run();
            String cls = switch (e) {
                case Exit.Mmio m -> "mmio";
                case Exit.Shutdown s -> "SHUTDOWN";
                case Exit.Kicked k -> "KICKED";
                case Exit.Failure f -> "FAILURE";
                case Exit.ArchExit a -> a.exitClass();
            };
            exits.merge(cls, 1L, Long::sum);
            if (e instanceof Exit.Mmio m) {
                performMmio(m);
                continue;
            }
            return e;
        }
    }

    /** Performs an MMIO exit on the VM's bus, as the framework's run loop does, and completes a read. */
    private void performMmio(Exit.Mmio m) {
        if (m.write()) {
            context.mmio().write(m.address(), m.size(), m.value());
        } else {
            vcpu.completeMmioRead(context.mmio().read(m.address(), m.size()));
        }
    }

    /** Runs (performing MMIO) until the console holds at least n bytes; false if the guest stopped first. */
    public boolean runUntilConsole(int n) {
        while (console.length() < n) {
            Exit e = vcpu.run();
            switch (e) {
                case Exit.Mmio m -> performMmio(m);
                case Exit.Shutdown s -> {
                    return false;
                }
                case Exit.Failure f -> throw new AssertionError("vCPU failed: " + f.message());
                default -> {
                    // arch exits resume
                }
            }
        }
        return true;
    }

    /** Runs to power-off, resuming after every arch exit as this bundle's handlers do. */
    public LocalVm runToEnd() {
        while (true) {
            Exit e = next();
            switch (e) {
                case Exit.Shutdown s -> {
                    shutdown = s;
                    return this;
                }
                case Exit.Failure f -> throw new AssertionError("vCPU failed: " + f.message() + "\nconsole: " + console);
                case PpcExit p -> {
                    archExits.add(p);
                    if (p.exitClass().equals("HV_SYSCALL")) {
                        vcpu.cpu().gpr[3] = 12;
                    }
                }
                default -> {
                    // kicked: continue
                }
            }
        }
    }

    @Override
    public void close() {
        machine.close();
        context.close();
    }
}
