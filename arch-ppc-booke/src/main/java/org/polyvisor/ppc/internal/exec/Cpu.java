package org.polyvisor.ppc.internal.exec;

import java.lang.foreign.MemorySegment;
import java.util.function.LongSupplier;

import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.cpu.CpuState;
import org.polyvisor.ppc.internal.mmu.DataAccess;
import org.polyvisor.ppc.internal.mmu.MasTlbOps;
import org.polyvisor.ppc.internal.mmu.TlbArray;

/**
 * An executing e500mc core: the architected state of {@link CpuState} plus the memory path the instructions use
 * (physical TLB, software TLB, pre-decoded code pages, block compiler). It extends the state rather than holding it
 * so that a register access in the semantic methods and in compiled blocks stays one field read from the object
 * they get, as before the state had a package of its own.
 */
public final class Cpu extends CpuState {
    public final TlbArray tlb;
    public final MasTlbOps tlbOps = new MasTlbOps();
    public final DataAccess mem;
    /** Translates hot guest blocks to bytecode; executions before a block is compiled (0: interpreter only). */
    public final BlockCompiler compiler = new BlockCompiler();
    public int jitThreshold = 32;

    /** Pre-decoded copies of the code pages, keyed by real page. */
    final CodeCache code = new CodeCache();
    /** The page the interpreter fetches from (effective page number, -1: none): its words, ids, blocks. */
    int fetchTag = -1;
    int[] fetchWords;
    int[] fetchOps;
    Block[] fetchBlocks;
    int[] fetchCounts;
    byte[] fetchLengths;

    /**
     * A bare core whose time base counts from a guest time that stands at zero (unit tests of instructions; a
     * machine passes its VM's guest clock with the other constructor).
     */
    public Cpu(GuestMemory memory, boolean mmuV2) {
        this(memory, mmuV2, () -> 0L);
    }

    /** @param guestNanos the VM's guest time in nanoseconds, which the time base and the decrementer count from */
    public Cpu(GuestMemory memory, boolean mmuV2, LongSupplier guestNanos) {
        super(mmuV2, guestNanos);
        this.tlb = new TlbArray(mmuV2);
        this.mem = new DataAccess(this, tlb, memory, code);
        tlb.onChange(this::contextChanged);
        reset();
    }

    @Override
    public void contextChanged() {
        mem.flush();
        fetchTag = -1;
    }

    /** Memory changed behind the CPU's back (snapshot restore): forget decoded code. */
    public void codeChanged() {
        code.clear();
        fetchTag = -1;
    }

    /**
     * Makes pc's page the fetch page (translation, decoded copy), or returns false after raising ITLB / ISI /
     * machine check.
     */
    boolean fetchSlow(int pc) {
        if (!mem.translateFetch(pc)) {
            return false;
        }
        long ra = mem.lastRealAddress();
        MemorySegment seg = mem.lastSegment();
        long pageOff = mem.lastOffset() - (pc & 0xFFF);
        boolean fresh = !code.contains(ra);
        int s = code.lookup(ra, seg, pageOff);
        if (fresh) {
            mem.dropWriteEntries(seg, pageOff);
        }
        fetchTag = pc >>> 12;
        fetchWords = code.words(s);
        fetchOps = code.ops(s);
        fetchBlocks = code.blocks(s);
        fetchCounts = code.counts(s);
        fetchLengths = code.lengths(s);
        return true;
    }
}
