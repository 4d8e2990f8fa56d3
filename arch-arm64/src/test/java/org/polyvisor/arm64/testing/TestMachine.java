package org.polyvisor.arm64.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.polyvisor.api.VmConfig;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.machine.VirtMachine;
import org.polyvisor.framework.internal.StandaloneContext;
import org.polyvisor.spi.ExitContext;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.MmioBus;
import org.polyvisor.spi.Vcpu;

/**
 * A virt machine without the framework's VM manager, for tests that drive {@link Vcpu#run()} one exit at a time
 * and look at the hypervisor's state in between (machine code is written straight into RAM).
 */
public final class TestMachine implements AutoCloseable {
    public static final long RAM = 0x4000_0000L;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final VirtMachine machine;
    private final StandaloneContext context;

    public TestMachine(Arm64Architecture arch, String host, int vcpus) {
        VmConfig cfg = VmConfig.of("arm64", 16L << 20, vcpus, null).withOption("host", host);
        context = new StandaloneContext(cfg, out::write);
        machine = (VirtMachine) arch.createMachine(context);
    }

    public VirtMachine machine() {
        return machine;
    }

    public MachineContext context() {
        return context;
    }

    public MmioBus bus() {
        return context.mmio();
    }

    public Arm64Vcpu vcpu(int i) {
        return (Arm64Vcpu) machine.vcpu(i);
    }

    public String console() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes instruction words at {@code addr} and makes vCPU 0 start there. */
    public void load(long addr, int[] code) {
        for (int i = 0; i < code.length; i++) {
            context.memory().write(addr + 4L * i, 4, code[i] & 0xFFFF_FFFFL, ByteOrder.LITTLE_ENDIAN);
        }
        vcpu(0).boot(addr, true);
    }

    /** The instruction word at a guest physical address. */
    public int word(long addr) {
        return (int) context.memory().read(addr, 4, ByteOrder.LITTLE_ENDIAN);
    }

    public ExitContext exitContext(Vcpu v) {
        Machine m = machine;
        return new ExitContext() {
            @Override
            public int vmId() {
                return 1;
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
        machine.close();
        context.close();
    }
}
