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
 * bus, console output to a callback, no console input, a guest clock that always runs (or one the test controls),
 * no exit statistics. Close it to free the guest memory.
 */
public final class MachineHarness implements MachineContext, AutoCloseable {
    private final StandaloneContext context;
    private final GuestClock clock;

    /**
     * A harness whose guest clock always runs ({@link GuestClock#HOST}): nothing pauses a VM here.
     *
     * @param config        the VM configuration the machine is built for
     * @param consoleOutput receives each byte the guest writes to its console
     */
    public MachineHarness(VmConfig config, IntConsumer consoleOutput) {
        this(config, consoleOutput, GuestClock.HOST);
    }

    /**
     * A harness with the given guest clock: a test that stops and advances it plays the framework's pause and
     * resume, and can tell guest time from host time.
     *
     * @param config        the VM configuration the machine is built for
     * @param consoleOutput receives each byte the guest writes to its console
     * @param clock         the guest clock the machine reads
     */
    public MachineHarness(VmConfig config, IntConsumer consoleOutput, GuestClock clock) {
        this.context = new StandaloneContext(config, consoleOutput);
        this.clock = clock;
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
        return clock;
    }

    @Override
    public void close() {
        context.close();
    }
}
