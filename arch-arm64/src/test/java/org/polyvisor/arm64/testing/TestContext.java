package org.polyvisor.arm64.testing;

import java.io.ByteArrayOutputStream;

import org.polyvisor.api.VmConfig;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.ConsoleSink;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.MmioBus;

/** The MachineContext of the test harnesses: VM id 1, console output into a byte stream, no console input. */
final class TestContext implements MachineContext {
    private final VmConfig config;
    private final GuestMemory memory;
    private final MmioBus bus;
    private final ConsoleSink console;

    TestContext(VmConfig config, GuestMemory memory, MmioBus bus, ByteArrayOutputStream out) {
        this.config = config;
        this.memory = memory;
        this.bus = bus;
        this.console = new ConsoleSink() {
            @Override
            public void write(int b) {
                out.write(b);
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
}
