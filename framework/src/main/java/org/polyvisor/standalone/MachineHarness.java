package org.polyvisor.standalone;

import java.util.function.IntConsumer;

import org.polyvisor.api.VmConfig;
import org.polyvisor.framework.internal.StandaloneContext;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.ConsoleSink;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.MmioBus;

/**
 * A machine context without a VM manager, for driving one {@link Machine} directly on the calling thread
 * (architecture unit tests, benchmarks that measure the calling thread): the framework's guest memory and device
 * bus, console output to a callback, no console input, a guest clock that always runs, no exit statistics. Close it
 * to free the guest memory.
 */
public final class MachineHarness implements MachineContext, AutoCloseable {
    private final StandaloneContext context;

    public MachineHarness(VmConfig config, IntConsumer consoleOutput) {
        this.context = new StandaloneContext(config, consoleOutput);
    }

    @Override
    public int vmId() {
        return context.vmId();
    }

    @Override
    public VmConfig config() {
        return context.config();
    }

    @Override
    public GuestMemory memory() {
        return context.memory();
    }

    @Override
    public MmioBus mmio() {
        return context.mmio();
    }

    @Override
    public ConsoleSink console() {
        return context.console();
    }

    @Override
    public GuestClock clock() {
        return context.clock();
    }

    @Override
    public void close() {
        context.close();
    }
}
