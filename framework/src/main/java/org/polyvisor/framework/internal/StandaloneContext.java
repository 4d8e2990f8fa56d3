package org.polyvisor.framework.internal;

import java.util.function.IntConsumer;

import org.polyvisor.api.VmConfig;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.ConsoleSink;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.MmioBus;

/**
 * A machine context without a VM manager, for harnesses that drive a {@link org.polyvisor.spi.Machine} directly
 * (architecture unit tests, benchmarks): the framework's own guest memory and device bus, console output to a
 * callback, no console input. Close it to free the guest memory.
 */
public final class StandaloneContext implements MachineContext, AutoCloseable {
    private final VmConfig config;
    private final GuestMemory memory = new GuestMemory();
    private final MmioBusImpl bus = new MmioBusImpl(1, memory);
    private final ConsoleSink console;

    public StandaloneContext(VmConfig config, IntConsumer consoleOutput) {
        this.config = config;
        this.console = new ConsoleSink() {
            @Override
            public void write(int b) {
                consoleOutput.accept(b & 0xFF);
            }

            @Override
            public int read() {
                return -1;
            }
        };
    }

    @Override
    public int vmId() {
        return 1;
    }

    @Override
    public VmConfig config() {
        return config;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public MmioBus mmio() {
        return bus;
    }

    @Override
    public ConsoleSink console() {
        return console;
    }

    @Override
    public void close() {
        memory.close();
    }
}
