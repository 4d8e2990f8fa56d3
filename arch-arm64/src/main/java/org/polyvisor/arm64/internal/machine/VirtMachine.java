package org.polyvisor.arm64.internal.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.sysreg.SysRegFile;
import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.arm64.spi.Stage2Provider;
import org.polyvisor.arm64.spi.SysRegTable;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;

/**
 * QEMU's {@code virt} machine as far as bare-metal guests see it: RAM at 0x4000_0000, PL011 at 0x0900_0000, the
 * GIC window reserved, Cortex-A57 vCPUs entered at EL1h with the MMU off.
 */
public final class VirtMachine implements Machine {
    public static final long RAM_BASE = 0x4000_0000L;
    /** QEMU's LEGACY_RAMLIMIT: RAM may reach 255 GiB above its base. */
    public static final long RAM_MAX = 255L << 30;
    public static final long UART_BASE = 0x0900_0000L;
    public static final long GIC_BASE = 0x0800_0000L;
    public static final long GIC_SIZE = 0x0002_0000L;
    public static final int MAX_VCPUS = 8;
    static final Map<String, String> OPTIONS = Map.of("host", "vhe|nvhe (default vhe): host model of the hypervisor layer");

    private final MachineContext context;
    private final List<Arm64Vcpu> vcpus = new ArrayList<>();
    private final Pl011 uart;

    public VirtMachine(MachineContext context) {
        this(context, null, List.of());
    }

    /**
     * @param stage2Provider supplies stage 2, or null for the identity default
     * @param extraSysRegs   system-register tables contributed by features, after the Cortex-A57 ones
     */
    public VirtMachine(MachineContext context, Stage2Provider stage2Provider, List<SysRegTable> extraSysRegs) {
        this.context = context;
        VmConfig cfg = context.config();
        for (Map.Entry<String, String> o : cfg.options().entrySet()) {
            if (!o.getKey().equals("host")) {
                throw new VmException("arm64: unknown VM option '" + o.getKey() + "'; allowed: " + OPTIONS.keySet());
            }
            if (!o.getValue().equals("vhe") && !o.getValue().equals("nvhe")) {
                throw new VmException("arm64: option host=" + o.getValue() + " is invalid; allowed: vhe, nvhe");
            }
        }
        if (cfg.vcpus() > MAX_VCPUS) {
            throw new VmException("arm64: " + cfg.vcpus() + " vCPUs requested, the virt machine model allows 1.."
                    + MAX_VCPUS);
        }
        if (cfg.memoryBytes() > RAM_MAX || (cfg.memoryBytes() & 0xFFFF) != 0) {
            throw new VmException("arm64: memory of " + cfg.memoryBytes() + " bytes does not fit: must be a multiple"
                    + " of 64 KiB and at most 255 GiB (RAM at 0x40000000)");
        }
        context.memory().addSlot(0, new GuestPhysicalAddress(RAM_BASE), cfg.memoryBytes(), false);
        uart = new Pl011(context.console());
        context.mmio().map(new GuestPhysicalAddress(UART_BASE), 0x1000, uart);
        context.mmio().map(new GuestPhysicalAddress(GIC_BASE), GIC_SIZE, new ReservedRange("gic (not modelled)"));
        Stage2 identity = new DefaultStage2(context.memory());
        Stage2 stage2 = stage2Provider == null ? identity : stage2Provider.stage2For(context, identity);
        for (int i = 0; i < cfg.vcpus(); i++) {
            Cpu cpu = new Cpu(context.memory(), stage2,
                    ipa -> context.mmio().isMapped(new GuestPhysicalAddress(ipa)), SysRegFile.cortexA57(extraSysRegs));
            cpu.sys[cpu.regs.index("VMPIDR_EL2")] = 0x8000_0000L | i;
            cpu.sys[cpu.regs.index("MPIDR_EL1")] = 0x8000_0000L | i;
            Arm64Vcpu v = new Arm64Vcpu(i, cpu);
            v.setPoweredOff(i != 0);
            vcpus.add(v);
        }
    }

    @Override
    public int vcpuCount() {
        return vcpus.size();
    }

    @Override
    public Vcpu vcpu(int index) {
        return vcpus.get(index);
    }

    @Override
    public void boot(ElfImage image) {
        image.require(ElfImage.EM_AARCH64, true, false, "arm64");
        image.loadInto(context.memory());
        for (Arm64Vcpu v : vcpus) {
            Cpu c = v.cpu();
            long mpidr = c.sys[c.regs.index("MPIDR_EL1")];
            c.reset();
            c.sys[c.regs.index("MPIDR_EL1")] = mpidr;
            c.pc = image.entry();
            c.blocks.invalidateAll();
        }
    }

    @Override
    public StateSnapshot exportState() {
        return StateSnapshot.builder("arm64.virt", 1).child("pl011", uart.exportState()).build();
    }

    @Override
    public void importState(StateSnapshot state) {
        state.requireKind("arm64.virt", 1);
        uart.importState(state.child("pl011"));
    }

    @Override
    public void close() {
        for (Arm64Vcpu v : vcpus) {
            v.kick();
        }
    }
}
