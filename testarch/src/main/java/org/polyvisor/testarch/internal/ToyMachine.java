package org.polyvisor.testarch.internal;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmException;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.DirtyLog;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;
import org.polyvisor.testarch.ToyIsa;

/** RAM at 0, the toy UART, N vCPUs that all start at the entry point with r0 = their index. */
final class ToyMachine implements Machine {
    private final ToyVcpu[] vcpus;
    private final ToyUart uart;
    private final int stateVersion;
    private final GuestMemory memory;
    private final ToyDirtyLog dirtyLog;

    ToyMachine(MachineContext ctx, int stateVersion, boolean dirtyLogging) {
        this.stateVersion = stateVersion;
        this.memory = ctx.memory();
        long mem = ctx.config().memoryBytes();
        if ((mem & 0xFFFF) != 0) {
            throw new VmException("test architecture: memory " + mem
                    + " bytes is not a multiple of 64 KiB");
        }
        if (ctx.memory().slots().isEmpty()) {
            ctx.memory().addSlot(0, GuestPhysicalAddress.of(ToyIsa.RAM_BASE), mem, false);
        }
        dirtyLog = dirtyLogging ? new ToyDirtyLog(ctx.memory().slots().getFirst()) : null;
        uart = new ToyUart(ctx.console());
        ctx.mmio().map(GuestPhysicalAddress.of(ToyIsa.UART_BASE), ToyIsa.UART_SIZE, uart);
        vcpus = new ToyVcpu[ctx.config().vcpus()];
        for (int i = 0; i < vcpus.length; i++) {
            vcpus[i] = new ToyVcpu(i, ctx.memory(), stateVersion, dirtyLog);
        }
    }

    @Override
    public int vcpuCount() {
        return vcpus.length;
    }

    @Override
    public Vcpu vcpu(int index) {
        return vcpus[index];
    }

    @Override
    public void boot(ElfImage image) {
        image.require(ToyIsa.EM_TOY, true, false, "the test architecture");
        image.loadInto(memory);
        for (ToyVcpu v : vcpus) {
            v.pc = image.entry();
            v.regs[0] = v.index();
        }
    }

    @Override
    public StateSnapshot exportState() {
        return StateSnapshot.builder("test.machine", stateVersion).child("uart", uart.exportState()).build();
    }

    @Override
    public void importState(StateSnapshot state) {
        state.requireKind("test.machine", stateVersion);
        uart.importState(state.child("uart"));
    }

    @Override
    public DirtyLog dirtyLog() {
        return dirtyLog;
    }

    @Override
    public void close() {
        for (ToyVcpu v : vcpus) {
            v.kick();
        }
    }
}
