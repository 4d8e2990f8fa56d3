package org.polyvisor.framework.internal;

import org.polyvisor.api.VmException;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.Vcpu;

/**
 * The platform thread of one vCPU: run, dispatch the exit, repeat. Generic exits are handled here; architecture
 * exits go to the whiteboard. Anything thrown (a bug in a plugin, a device error) fails this VM only, with a message
 * naming the VM and vCPU.
 */
final class VcpuRunner implements Runnable, ExitContext {
    private final Vm vm;
    private final int index;
    private final HoldGate gate;
    private final ExitDispatcher dispatcher;
    private final Thread thread;
    private Vcpu vcpu;
    /** Class loader of the architecture implementation the vCPU belongs to: picks that revision's exit handlers. */
    private ClassLoader archLoader;

    VcpuRunner(Vm vm, int index, ExitDispatcher dispatcher) {
        this.vm = vm;
        this.index = index;
        this.gate = vm.gate;
        this.dispatcher = dispatcher;
        this.thread = new Thread(new Detached(this), "pv-vm" + vm.id + "-vcpu" + index);
        this.thread.setDaemon(true);
    }

    /**
     * The thread's Runnable, which lets go of the runner as soon as it starts. A finished Thread keeps its Runnable,
     * and Felix 7.0.5 can keep a finished thread reachable from a bundle class loader (BundleClassLoader.
     * defineClassParallel leaves a class-name -> thread entry in m_classLocks when another thread defined the class
     * first; see Parallel): through this runner it would keep the destroyed VM, its machine and its extensions'
     * bundle revisions.
     */
    private static final class Detached implements Runnable {
        private VcpuRunner runner;

        Detached(VcpuRunner runner) {
            this.runner = runner;
        }

        @Override
        public void run() {
            VcpuRunner r = runner;
            runner = null;
            r.run();
        }
    }

    Thread thread() {
        return thread;
    }

    void start() {
        thread.start();
    }

    void join(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                if (gate.requestPending || vcpu == null) {
                    if (!gate.checkpoint()) {
                        return;
                    }
                    // The machine may have been replaced by a swap while this thread was parked.
                    vcpu = vm.vcpu(index);
                    archLoader = vm.architectureLoader();
                    if (vcpu == null) {
                        continue;
                    }
                }
                Exit exit = vcpu.run();
                if (!dispatch(exit)) {
                    return;
                }
            }
        } catch (VmException e) {
            gate.fail("VM " + vm.id + " vCPU " + index + ": " + e.getMessage(), null);
        } catch (Throwable t) {
            gate.fail("VM " + vm.id + " vCPU " + index + ": internal error: " + t, t);
        } finally {
            vcpu = null;
            archLoader = null; // an ended VM must not keep a replaced bundle revision reachable
            gate.runnerExited();
        }
    }

    /** Returns false when this vCPU thread must end. */
    private boolean dispatch(Exit exit) {
        return switch (exit) {
            case Exit.Kicked k -> true;
            case Exit.Mmio m -> {
                vm.stats.count("MMIO");
                if (m.write()) {
                    vm.bus.write(m.address(), m.size(), m.value());
                } else {
                    vcpu.completeMmioRead(vm.bus.read(m.address(), m.size()));
                }
                yield true;
            }
            case Exit.Shutdown s -> {
                vm.stats.count("SHUTDOWN");
                gate.powerOff(s.status(), s.reason());
                yield false;
            }
            case Exit.Failure f -> {
                gate.fail("VM " + vm.id + " vCPU " + index + ": " + f.message(), null);
                yield false;
            }
            case Exit.ArchExit a -> handleArchExit(a);
        };
    }

    private boolean handleArchExit(Exit.ArchExit exit) {
        String cls = exit.exitClass();
        vm.stats.count(cls);
        String arch = vm.config.arch();
        ExitHandler handler = dispatcher.lookup(arch, archLoader, cls);
        if (handler == null) {
            gate.fail("VM " + vm.id + " vCPU " + index + ": no exit handler for " + arch + " exit class " + cls
                    + " (" + exit + "); installed handlers: " + dispatcher.describe(), null);
            return false;
        }
        ExitAction action = dispatcher.observers().handle(handler, this, exit);
        return switch (action) {
            case ExitAction.Resume r -> true;
            case ExitAction.PowerOff p -> {
                gate.powerOff(p.status(), cls + " handler requested power-off");
                yield false;
            }
            case ExitAction.Fail f -> {
                gate.fail("VM " + vm.id + " vCPU " + index + ": " + f.message(), null);
                yield false;
            }
            case ExitAction.Halt h -> {
                // parks at the top of the loop with the vCPU as it is; resume re-enters it
                gate.halt("vCPU " + index + ": " + h.reason());
                yield true;
            }
        };
    }

    // ---- ExitContext ----
    @Override
    public int vmId() {
        return vm.id;
    }

    @Override
    public Vcpu vcpu() {
        return vcpu;
    }

    @Override
    public Machine machine() {
        return vm.machine();
    }

    @Override
    public MachineContext machineContext() {
        return vm;
    }
}
