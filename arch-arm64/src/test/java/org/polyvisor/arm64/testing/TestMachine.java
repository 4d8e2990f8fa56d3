package org.polyvisor.arm64.testing;

import java.nio.ByteOrder;

import org.polyvisor.api.VmConfig;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.machine.VirtMachine;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.MmioBus;
import org.polyvisor.spi.Vcpu;
import org.polyvisor.testkit.MachineRunner;

/**
 * A virt machine without the framework's VM manager, for tests that drive {@link Vcpu#run()} one exit at a time
 * and look at the hypervisor's state in between (machine code is written straight into RAM): the arm64 view of the
 * test kit's {@link MachineRunner}, which builds the machine without booting it.
 */
public final class TestMachine implements AutoCloseable {
    public static final long RAM = 0x4000_0000L;

    private final MachineRunner runner;

    public TestMachine(Arm64Architecture arch, String host, int vcpus) {
        this(arch, host, vcpus, GuestClock.HOST);
    }

    /** On a guest clock the test controls ({@link org.polyvisor.testkit.ManualClock}): plays pause and resume. */
    public TestMachine(Arm64Architecture arch, String host, int vcpus, GuestClock clock) {
        this(arch, config(host, vcpus), clock);
    }

    /** A machine of any configuration (options beyond the host model), for example {@code vhe.daif}. */
    public TestMachine(Arm64Architecture arch, VmConfig config, GuestClock clock) {
        runner = new MachineRunner(arch, config, clock);
    }

    /** 16 MiB of RAM, {@code vcpus} vCPUs on the given host model. */
    public static VmConfig config(String host, int vcpus) {
        return VmConfig.of("arm64", 16L << 20, vcpus, null).withOption("host", host);
    }

    /** The test kit's runner of this machine (steps vCPU 0 with the framework's MMIO handling). */
    public MachineRunner runner() {
        return runner;
    }

    public VirtMachine machine() {
        return (VirtMachine) runner.machine();
    }

    public MachineContext context() {
        return runner.context();
    }

    public MmioBus bus() {
        return runner.context().mmio();
    }

    public Arm64Vcpu vcpu(int i) {
        return (Arm64Vcpu) runner.machine().vcpu(i);
    }

    public String console() {
        return runner.console();
    }

    /** Writes instruction words at {@code addr} and makes vCPU 0 start there. */
    public void load(long addr, int[] code) {
        for (int i = 0; i < code.length; i++) {
            runner.memory().write(addr + 4L * i, 4, code[i] & 0xFFFF_FFFFL, ByteOrder.LITTLE_ENDIAN);
        }
        vcpu(0).boot(addr, true);
    }

    /** The instruction word at a guest physical address. */
    public int word(long addr) {
        return (int) runner.memory().read(addr, 4, ByteOrder.LITTLE_ENDIAN);
    }

    public ExitContext exitContext(Vcpu v) {
        Machine m = runner.machine();
        MachineContext context = runner.context();
        return new ExitContext() {
            @Override
            public int vmId() {
                return context.vmId();
            }

            @Override
            public Vcpu vcpu() {
                return v;
            }

            @Override
            public Machine machine() {
                return m;
            }

            @Override
            public MachineContext machineContext() {
                return context;
            }
        };
    }

    @Override
    public void close() {
        runner.close();
    }
}
