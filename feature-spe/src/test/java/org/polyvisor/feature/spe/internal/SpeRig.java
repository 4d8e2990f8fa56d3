package org.polyvisor.feature.spe.internal;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.arm64.internal.cpu.Halt;
import org.polyvisor.arm64.internal.cpu.sysreg.SysRegFile;
import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.internal.hyp.IdentityStage2;
import org.polyvisor.arm64.internal.hyp.GuestClockCounter;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.GuestClock;

/**
 * A bare PE with feature-spe's registers over 1 MiB of RAM at 0x4000_0000 (MMU off, so VA = IPA = PA), the PPI
 * line recorded, and a small assembler for the MSR/MRS and loop code the tests run. Plays EL2 itself: the test sets
 * MDCR_EL2 as the hypervisor would.
 */
final class SpeRig implements AutoCloseable {
    static final long RAM = 0x4000_0000L;
    final GuestMemory memory;
    private final boolean ownsMemory;
    final Core core;
    /** PPI level changes: INTID * 2 + level. */
    final List<Integer> ppi = new ArrayList<>();
    final List<Integer> code = new ArrayList<>();

    SpeRig() {
        this(false);
    }

    /** @param pin the pinning design for hypervisor-owned buffers instead of the copy buffer */
    SpeRig(boolean pin) {
        this(pin, null);
    }

    /**
     * A second PE over another rig's RAM, with a new instance of the register table (a new bundle revision): state
     * exported from the first continues here.
     */
    SpeRig(SpeRig other) {
        this(false, other.memory);
    }

    private SpeRig(boolean pin, GuestMemory shared) {
        ownsMemory = shared == null;
        memory = shared == null ? new GuestMemory() : shared;
        if (ownsMemory) {
            memory.addSlot(0, new GuestPhysicalAddress(RAM), 1 << 20, false);
        }
        core = new Core(memory, new IdentityStage2(memory), ipa -> false,
                SysRegFile.cortexA57(List.of(new SpeRegisterTable(pin))), new GuestClockCounter(GuestClock.HOST));
        core.connectPpis((intid, level) -> ppi.add(intid * 2 + (level ? 1 : 0)));
        core.cpu.pc = RAM;
        core.setRaw("ID_AA64DFR0_EL1", core.raw("ID_AA64DFR0_EL1") | (long) Spe.PMSVER << Spe.DFR0_PMSVER_SHIFT);
    }

    /** MDCR_EL2.E2PB as the hypervisor sets it (TPMS clear: the sampling controls do not trap). */
    SpeRig e2pb(int e2pb) {
        core.setRaw("MDCR_EL2", (long) e2pb << Spe.MDCR_E2PB_SHIFT);
        return this;
    }

    SpeRig word(int w) {
        code.add(w);
        return this;
    }

    /** x[d] = value (MOVZ + 3 MOVK). */
    SpeRig mov(int d, long value) {
        word(0xD280_0000 | (int) ((value & 0xFFFF) << 5) | d);
        for (int hw = 1; hw < 4; hw++) {
            word(0xF280_0000 | (hw << 21) | (int) (((value >>> (16 * hw)) & 0xFFFF) << 5) | d);
        }
        return this;
    }

    private int enc(String name) {
        var r = core.cpu.regs.get(core.cpu.regs.index(name));
        return (r.op0() << 19) | (r.op1() << 16) | (r.crn() << 12) | (r.crm() << 8) | (r.op2() << 5);
    }

    SpeRig msr(String name, int t) {
        return word(0xD500_0000 | enc(name) | t);
    }

    SpeRig mrs(int t, String name) {
        return word(0xD520_0000 | enc(name) | t);
    }

    /** MSR name, value via x9. */
    SpeRig set(String name, long value) {
        return mov(9, value).msr(name, 9);
    }

    /** Operations of {@link #loop} before its first iteration, and per iteration. */
    static final int LOOP_PREFIX = 9;
    static final int LOOP_BODY = 5;

    /**
     * {@code n} iterations of: str x2,[x1,#8]; ldr x3,[x1,#8]; add x2,x2,#1; cmp x2,x4; b.ne (x1 = data, x4 = n).
     * Returns the address of the loop's first instruction.
     */
    long loop(long data, int n) {
        mov(1, data).word(0xD280_0002).mov(4, n);  // x1 = data, movz x2 #0, x4 = n
        long start = RAM + 4L * code.size();
        word(0xF900_0422);                          // str x2, [x1, #8]
        word(0xF940_0423);                          // ldr x3, [x1, #8]
        word(0x9100_0442);                          // add x2, x2, #1
        word(0xEB04_005F);                          // cmp x2, x4
        word(0x54FF_FF81);                          // b.ne start
        return start;
    }

    SpeRig hvc() {
        return word(0xD400_0002);
    }

    /** Loads the code at the RAM base and runs it until it takes an exception to EL2 (its HVC). */
    void run() {
        load();
        resume();
    }

    /** Writes the code at the RAM base and points the PC at it. */
    void load() {
        for (int i = 0; i < code.size(); i++) {
            memory.write(RAM + 4L * i, 4, code.get(i), ByteOrder.LITTLE_ENDIAN);
        }
        core.blocks.invalidateAll();
        core.cpu.pc = RAM;
    }

    /** Runs at most {@code blocks} chains of blocks, stopping at a block boundary (no exit expected). */
    void runBlocks(int blocks) {
        int[] budget = {blocks};
        int halt = core.run(() -> --budget[0] < 0);
        if (halt != Halt.NONE) {
            throw new AssertionError("guest code stopped early (halt " + halt + ")");
        }
    }

    /** Runs from the current PC until the code takes an exception to EL2 (its HVC). */
    void resume() {
        int[] budget = {1_000_000};
        int halt = core.run(() -> --budget[0] < 0);
        if (halt != Halt.EL2_EXCEPTION) {
            throw new AssertionError("guest code did not reach its hvc (halt " + halt + ", pc 0x"
                    + Long.toHexString(core.cpu.pc) + ")");
        }
    }

    /** An MSR the hypervisor emulates after a trap: the descriptor's write hook (or storage), as the SYS64 handler. */
    void hypWrite(String name, long value) {
        int i = core.cpu.regs.index(name);
        var r = core.cpu.regs.get(i);
        if (r.write() != null) {
            r.write().write(core, value);
        } else {
            core.cpu.sys[i] = value;
        }
    }

    /** An MRS the hypervisor emulates after a trap. */
    long hypRead(String name) {
        int i = core.cpu.regs.index(name);
        var r = core.cpu.regs.get(i);
        return r.read() != null ? r.read().read(core) : core.cpu.sys[i];
    }

    void write64(long pa, long value) {
        memory.write(pa, 8, value, ByteOrder.LITTLE_ENDIAN);
    }

    byte[] read(long pa, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) memory.read(pa + i, 1, ByteOrder.LITTLE_ENDIAN);
        }
        return b;
    }

    long reg(String name) {
        return core.raw(name);
    }

    @Override
    public void close() {
        if (ownsMemory) {
            memory.close();
        }
    }
}
