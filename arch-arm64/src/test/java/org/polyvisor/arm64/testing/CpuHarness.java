package org.polyvisor.arm64.testing;

import java.nio.ByteOrder;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.exec.Interpreter;
import org.polyvisor.arm64.internal.hyp.DefaultStage2;
import org.polyvisor.arm64.internal.sysreg.SysRegFile;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.Exit;

/** A bare CPU over 1 MiB of RAM at 0x4000_0000 for instruction-level tests: code at the RAM base, run to an exit. */
public final class CpuHarness implements AutoCloseable {
    public static final long RAM = 0x4000_0000L;
    public final GuestMemory memory = new GuestMemory();
    public final Cpu cpu;

    public CpuHarness() {
        this(null, SysRegFile.cortexA57());
    }

    /** With a stage 2 built over the identity one (null: identity) and a given register file. */
    public CpuHarness(java.util.function.UnaryOperator<org.polyvisor.arm64.spi.Stage2> stage2, SysRegFile regs) {
        this(stage2, regs, ipa -> false);
    }

    /** With a device predicate (IPAs for which stage-2 faults become MMIO exits). */
    public CpuHarness(java.util.function.UnaryOperator<org.polyvisor.arm64.spi.Stage2> stage2, SysRegFile regs,
                      java.util.function.LongPredicate isDevice) {
        memory.addSlot(0, new GuestPhysicalAddress(RAM), 1 << 20, false);
        org.polyvisor.arm64.spi.Stage2 identity = new DefaultStage2(memory);
        cpu = new Cpu(memory, stage2 == null ? identity : stage2.apply(identity), isDevice, regs);
        cpu.pc = RAM;
    }

    public CpuHarness load(long address, int... words) {
        for (int i = 0; i < words.length; i++) {
            memory.write(address + 4L * i, 4, words[i], ByteOrder.LITTLE_ENDIAN);
        }
        cpu.blocks.invalidateAll(); // written behind the CPU's back, like a loader: drop decoded blocks
        return this;
    }

    /** Loads code at the RAM base, runs from there and returns the first exit (tests end their code with HVC). */
    public Exit run(int... words) {
        load(RAM, words);
        cpu.pc = RAM;
        return runToExit();
    }

    public Exit runToExit() {
        int[] budget = {100_000};
        Exit e = Interpreter.run(cpu, () -> --budget[0] < 0);
        if (e == null) {
            throw new AssertionError("no exit within the block budget; pc=0x" + Long.toHexString(cpu.pc));
        }
        return e;
    }

    public long x(int i) {
        return cpu.x[i];
    }

    @Override
    public void close() {
        memory.close();
    }
}
