package org.polyvisor.testarch.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.memory.GuestMemory;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;
import org.polyvisor.spi.WakeSignal;
import org.polyvisor.testarch.ToyIsa;

/** Interprets the toy ISA. Small on purpose, but it follows the real rules: no allocation per instruction, kicks checked at block boundaries. */
public final class ToyVcpu implements Vcpu {
    private static final ValueLayout.OfLong INSN = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int BLOCK = 1024;

    private final int index;
    private final GuestMemory memory;
    private final int stateVersion;
    final int[] regs = new int[ToyIsa.REGISTERS];
    long pc;
    private long retired;
    private int pendingReadReg = -1;
    private volatile boolean kicked;
    private final WakeSignal wake = new WakeSignal();
    /** Null when the machine was built without dirty logging. */
    private final ToyDirtyLog dirtyLog;

    ToyVcpu(int index, GuestMemory memory, int stateVersion, ToyDirtyLog dirtyLog) {
        this.index = index;
        this.memory = memory;
        this.stateVersion = stateVersion;
        this.dirtyLog = dirtyLog;
    }

    @Override
    public int index() {
        return index;
    }

    /** Registers are visible to the toy architecture's exit handlers. */
    public int register(int r) {
        return regs[r];
    }

    public void setRegister(int r, int value) {
        regs[r] = value;
    }

    @Override
    public Exit run() {
        int budget = BLOCK;
        while (true) {
            if (--budget <= 0 || kicked) {
                if (kicked) {
                    kicked = false;
                    return Exit.KICKED;
                }
                budget = BLOCK;
            }
            MemorySegment seg = memory.chunk(pc);
            long off = pc & GuestMemory.CHUNK_MASK;
            if (seg == null || off + 8 > GuestMemory.CHUNK_SIZE) {
                return new Exit.Failure("toy instruction fetch at 0x" + Long.toHexString(pc) + " is outside RAM");
            }
            long w = seg.get(INSN, off);
            int op = (int) (w & 0xFF);
            int r = (int) ((w >>> 8) & 0x7);
            int r2 = (int) ((w >>> 16) & 0x7);
            int imm = (int) (w >>> 32);
            long here = pc;
            pc += 8;
            retired++;
            switch (op) {
                case ToyIsa.LI -> regs[r] = imm;
                case ToyIsa.ADDI -> regs[r] += imm;
                case ToyIsa.ADD -> regs[r] += regs[r2];
                case ToyIsa.XOR -> regs[r] ^= regs[r2];
                case ToyIsa.MUL -> regs[r] *= regs[r2];
                case ToyIsa.SHL -> regs[r] <<= imm;
                case ToyIsa.SHR -> regs[r] >>>= imm;
                case ToyIsa.BNZ -> {
                    if (regs[r] != 0) {
                        pc = imm & 0xFFFF_FFFFL;
                    }
                }
                case ToyIsa.OUT -> {
                    return new Exit.Mmio(GuestPhysicalAddress.of(ToyIsa.UART_BASE + ToyIsa.UART_DATA), 1, true,
                            regs[r] & 0xFF);
                }
                case ToyIsa.IN -> {
                    pendingReadReg = r;
                    return new Exit.Mmio(GuestPhysicalAddress.of(ToyIsa.UART_BASE + ToyIsa.UART_STATUS), 4, false, 0);
                }
                case ToyIsa.MW -> {
                    return new Exit.Mmio(GuestPhysicalAddress.of(imm & 0xFFFF_FFFFL), 4, true, regs[r] & 0xFFFF_FFFFL);
                }
                case ToyIsa.MR -> {
                    pendingReadReg = r;
                    return new Exit.Mmio(GuestPhysicalAddress.of(imm & 0xFFFF_FFFFL), 4, false, 0);
                }
                case ToyIsa.HCALL -> {
                    return new ToyExit("HCALL", imm & 0xFFFF_FFFFL);
                }
                case ToyIsa.MYSTERY -> {
                    return new ToyExit("MYSTERY", imm & 0xFFFF_FFFFL);
                }
                case ToyIsa.HALT -> {
                    return new Exit.Shutdown(imm, "toy HALT");
                }
                case ToyIsa.STORE, ToyIsa.LOAD, ToyIsa.STX, ToyIsa.LDX -> {
                    long a = ((op == ToyIsa.STX || op == ToyIsa.LDX ? regs[r2] : 0) + imm) & 0xFFFF_FFFFL;
                    MemorySegment d = memory.chunk(a);
                    long doff = a & GuestMemory.CHUNK_MASK;
                    boolean store = op == ToyIsa.STORE || op == ToyIsa.STX;
                    if (d == null || doff + 4 > GuestMemory.CHUNK_SIZE) {
                        pc = here;
                        return new Exit.Failure("toy " + (store ? "store" : "load") + " at 0x"
                                + Long.toHexString(a) + " (pc 0x" + Long.toHexString(here) + ") is outside RAM");
                    }
                    if (store) {
                        d.set(WORD, doff, regs[r]);
                        if (dirtyLog != null) {
                            dirtyLog.recordWrite(a); // after the data: see ToyDirtyLog on the race with a fetch
                        }
                    } else {
                        regs[r] = d.get(WORD, doff);
                    }
                }
                case ToyIsa.WFI -> {
                    if (!kicked) {
                        wake.await(Long.MAX_VALUE);
                    }
                }
                default -> {
                    pc = here;
                    return new Exit.Failure("undefined toy instruction 0x" + Long.toHexString(w) + " at pc 0x"
                            + Long.toHexString(here));
                }
            }
        }
    }

    @Override
    public void kick() {
        kicked = true;
        wake.signal();
    }

    @Override
    public void completeMmioRead(long value) {
        if (pendingReadReg >= 0) {
            regs[pendingReadReg] = (int) value;
            pendingReadReg = -1;
        }
    }

    @Override
    public StateSnapshot exportState() {
        StateSnapshot.Builder b = StateSnapshot.builder("test.vcpu", stateVersion).value("pc", pc)
                .value("retired", retired).value("pendingReadReg", pendingReadReg);
        for (int i = 0; i < regs.length; i++) {
            b.value("r" + i, regs[i]);
        }
        return b.build();
    }

    @Override
    public void importState(StateSnapshot s) {
        s.requireKind("test.vcpu", stateVersion);
        pc = s.value("pc");
        retired = s.value("retired");
        pendingReadReg = (int) s.value("pendingReadReg", -1);
        for (int i = 0; i < regs.length; i++) {
            regs[i] = (int) s.value("r" + i);
        }
    }

    @Override
    public Map<String, Long> registers() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < regs.length; i++) {
            m.put("r" + i, regs[i] & 0xFFFF_FFFFL);
        }
        m.put("pc", pc);
        return m;
    }

    @Override
    public long instructionsRetired() {
        return retired;
    }
}
