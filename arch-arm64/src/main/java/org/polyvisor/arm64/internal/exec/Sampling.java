package org.polyvisor.arm64.internal.exec;

import java.util.function.BiConsumer;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Halt;
import org.polyvisor.arm64.internal.mmu.DataAccess;
import org.polyvisor.arm64.spi.OperationSampler;
import org.polyvisor.arm64.spi.SampledOperation;
import org.polyvisor.arm64.spi.SamplingHook;

/**
 * The PE's sampling hook and the operation record it hands to the sampler. The interpreter compares
 * {@code retired + block length} with {@link Core#sampleAt} before each block (where it already looks at block ends);
 * only a block containing the sampled operation comes here, and runs one instruction at a time up to and including
 * that operation, which is then reported.
 */
final class Sampling implements SamplingHook, SampledOperation {
    /** Modelled costs (cycles) for the latency counters: a fixed, documented cost model, not a pipeline. */
    static final int ISSUE_LATENCY = 1;
    static final int ALU_LATENCY = 1;
    static final int MEMORY_LATENCY = 4;
    static final int TRANSLATION_LATENCY = 1;

    private final Core k;
    private OperationSampler sampler;
    private BiConsumer<Integer, Boolean> ppi = (intid, level) -> { };
    private int faultStatus;

    // the reported operation (reused)
    private long pc;
    private int word;
    private int el;
    private int type;
    private long nextPc;
    private long dataVa;
    private long dataPa;
    private long events;

    Sampling(Core k) {
        this.k = k;
    }

    /** Connects the PE's PPI inputs at the interrupt controller (done by whoever builds the vCPU). */
    void connectPpis(BiConsumer<Integer, Boolean> line) {
        ppi = line;
    }

    // ---------------------------------------------------------------- the slow path the interpreter takes

    /**
     * Runs block {@code b} (at the current PC), which contains the sampled operation: the instructions before it one
     * at a time, then the operation, which is reported. Stops early, without a sample, when an earlier instruction
     * raises an exception or halts (the countdown stays armed).
     */
    void runSampled(Block b) {
        Cpu c = k.cpu;
        DataAccess mem = k.mem;
        Block[] singles = singles(b);
        // armed from inside an instruction (an MSR's hook) before that instruction counted itself: sample the next
        int target = (int) Math.max(0, k.sampleAt - c.retired);
        for (int i = 0; i < target; i++) {
            if (!Interpreter.execBlock(k, c, mem, singles[i]) || c.halt != Halt.NONE || c.il) {
                return;
            }
        }
        int w = b.word[target];
        pc = c.pc;
        word = w;
        el = c.el;
        type = OperationProbe.type(w);
        dataVa = 0;
        dataPa = -1;
        events = 0;
        if (type == LOAD || type == STORE) {
            dataVa = OperationProbe.dataVa(c, w, pc);
            long p = mem.probe(dataVa, type == STORE ? DataAccess.ACC_W : DataAccess.ACC_R, c.el == 0);
            dataPa = p < 0 ? -1 : p;
            events |= EVENT_L1D_ACCESS | EVENT_TLB_ACCESS;
        }
        long retiredBefore = c.retired;
        boolean ok = Interpreter.execBlock(k, c, mem, singles[target]);
        nextPc = c.pc;
        if (!ok || c.retired == retiredBefore) {
            events |= EVENT_EXCEPTION;
        } else {
            events |= EVENT_RETIRED;
        }
        if (OperationProbe.conditional(w) && nextPc == pc + 4) {
            events |= EVENT_NOT_TAKEN;
        }
        OperationSampler s = sampler;
        long next = s == null ? OperationSampler.STOP : s.sample(this);
        arm(next);
    }

    /** One-instruction blocks over {@code b}, built the first time a sample falls inside it. */
    private static Block[] singles(Block b) {
        Block[] s = b.singles;
        if (s == null) {
            s = new Block[b.length];
            for (int i = 0; i < b.length; i++) {
                s[i] = new Block(b.pa + 4L * i, 1, new int[] {b.code[i]}, new int[] {b.word[i]},
                        new long[] {b.imm[i]});
            }
            b.singles = s;
        }
        return s;
    }

    // ---------------------------------------------------------------- SamplingHook

    @Override
    public void attach(OperationSampler s) {
        sampler = s;
    }

    @Override
    public OperationSampler sampler() {
        return sampler;
    }

    @Override
    public void arm(long operations) {
        k.sampleAt = operations <= 0 ? Long.MAX_VALUE : k.cpu.retired + operations - 1;
    }

    @Override
    public long remaining() {
        return k.sampleAt == Long.MAX_VALUE ? OperationSampler.STOP : k.sampleAt - k.cpu.retired + 1;
    }

    @Override
    public long translate(long va, boolean write) {
        long p = k.mem.probePhysical(va, write ? DataAccess.ACC_W : DataAccess.ACC_R, false);
        if (p >= 0) {
            return k.mem.memory.isRam(p) ? p : FAULT_STAGE2;
        }
        faultStatus = k.mem.probeFaultStatus();
        return p == DataAccess.PROBE_STAGE2_FAULT ? FAULT_STAGE2 : FAULT_STAGE1;
    }

    @Override
    public int faultStatus() {
        return faultStatus;
    }

    @Override
    public boolean writePhysical(long pa, byte[] src, int off, int len) {
        if (!k.mem.memory.write(pa, src, off, len)) {
            return false;
        }
        k.blocks.invalidateRange(pa, len);
        return true;
    }

    @Override
    public void setPpi(int intid, boolean level) {
        if (intid < 16 || intid > 31) {
            throw new IllegalArgumentException("PPI INTID " + intid + " is outside 16..31: give a PPI's INTID");
        }
        ppi.accept(intid, level);
    }

    // ---------------------------------------------------------------- SampledOperation

    @Override
    public long pc() {
        return pc;
    }

    @Override
    public int instruction() {
        return word;
    }

    @Override
    public int el() {
        return el;
    }

    @Override
    public int type() {
        return type;
    }

    @Override
    public boolean conditional() {
        return OperationProbe.conditional(word);
    }

    @Override
    public boolean indirect() {
        return OperationProbe.indirect(word);
    }

    @Override
    public long nextPc() {
        return nextPc;
    }

    @Override
    public long dataVa() {
        return dataVa;
    }

    @Override
    public long dataPa() {
        return dataPa;
    }

    @Override
    public long events() {
        return events;
    }

    @Override
    public int totalLatency() {
        return ISSUE_LATENCY + (type == LOAD || type == STORE ? MEMORY_LATENCY + TRANSLATION_LATENCY : ALU_LATENCY);
    }

    @Override
    public int issueLatency() {
        return ISSUE_LATENCY;
    }

    @Override
    public int translationLatency() {
        return type == LOAD || type == STORE ? TRANSLATION_LATENCY : 0;
    }
}
