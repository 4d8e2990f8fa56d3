package org.polyvisor.arm64.testing;

import java.nio.ByteOrder;
import java.util.function.LongPredicate;
import java.util.function.UnaryOperator;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Halt;
import org.polyvisor.arm64.internal.cpu.sysreg.SysRegFile;
import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.GuestClockCounter;
import org.polyvisor.arm64.internal.hyp.GuestExits;
import org.polyvisor.arm64.internal.hyp.IdentityStage2;
import org.polyvisor.arm64.internal.hyp.MmioSyndrome;
import org.polyvisor.arm64.internal.machine.gic.GicV3;
import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.GuestClock;

/**
 * A bare PE over 1 MiB of RAM at 0x4000_0000 for instruction-level tests: code at the RAM base, run until it takes
 * an exception to EL2, which the hypervisor layer's {@link GuestExits} turns into the exit the test looks at.
 */
public final class CpuHarness implements AutoCloseable {
    public static final long RAM = 0x4000_0000L;
    public final GuestMemory memory = new GuestMemory();
    public final Core core;
    public final Cpu cpu;
    private final GuestExits exits;

    public CpuHarness() {
        this(null, SysRegFile.cortexA57());
    }

    /** A Cortex-A57 whose system counter counts the given guest clock (a test's ManualClock plays pause and resume). */
    public CpuHarness(GuestClock clock) {
        this(null, SysRegFile.cortexA57(), ipa -> false, clock);
    }

    /** With a stage 2 built over the identity one (null: identity) and a given register file. */
    public CpuHarness(UnaryOperator<Stage2> stage2, SysRegFile regs) {
        this(stage2, regs, ipa -> false);
    }

    /** With a device predicate (IPAs for which stage-2 faults become MMIO exits). */
    public CpuHarness(UnaryOperator<Stage2> stage2, SysRegFile regs, LongPredicate isDevice) {
        this(stage2, regs, isDevice, GuestClock.HOST); // nothing pauses a bare PE: its counter runs with host time
    }

    private CpuHarness(UnaryOperator<Stage2> stage2, SysRegFile regs, LongPredicate isDevice, GuestClock clock) {
        memory.addSlot(0, new GuestPhysicalAddress(RAM), 1 << 20, false);
        Stage2 identity = new IdentityStage2(memory);
        core = new Core(memory, stage2 == null ? identity : stage2.apply(identity), isDevice, regs,
                new GuestClockCounter(clock));
        cpu = core.cpu;
        exits = new GuestExits(cpu, isDevice, new MmioSyndrome(cpu));
        cpu.pc = RAM;
    }

    /** A stand-alone vCPU around this PE (VHE host, a one-CPU GICv3, no participants). */
    public Arm64Vcpu vcpu() {
        return new Arm64Vcpu(0, core, new GicV3(1));
    }

    public CpuHarness load(long address, int... words) {
        for (int i = 0; i < words.length; i++) {
            memory.write(address + 4L * i, 4, words[i], ByteOrder.LITTLE_ENDIAN);
        }
        core.blocks.invalidateAll(); // written behind the CPU's back, like a loader: drop decoded blocks
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
        int halt = core.run(() -> --budget[0] < 0);
        if (halt == Halt.NONE) {
            throw new AssertionError("no exit within the block budget; pc=0x" + Long.toHexString(cpu.pc));
        }
        return exits.decode(cpu.sys[cpu.iElr2]);
    }

    public long x(int i) {
        return cpu.x[i];
    }

    @Override
    public void close() {
        memory.close();
    }
}
