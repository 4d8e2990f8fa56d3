package org.polyvisor.arm64.internal.exec;

import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongPredicate;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.SystemCounter;
import org.polyvisor.arm64.internal.cpu.sysreg.SysRegFile;
import org.polyvisor.arm64.internal.mmu.DataAccess;
import org.polyvisor.arm64.internal.mmu.HostMemory;
import org.polyvisor.arm64.internal.mmu.TlbDomain;
import org.polyvisor.arm64.spi.SamplingHook;
import org.polyvisor.arm64.spi.Stage2;
import org.polyvisor.arm64.spi.SysRegState;
import org.polyvisor.memory.GuestMemory;

/**
 * One modelled AArch64 PE as the hypervisor layer runs it: architectural state ({@link Cpu}), its data side through
 * the MMU ({@link DataAccess}) and the decoded-block cache, plus the view system-register hooks get.
 */
public final class Core implements SysRegState {
    public final Cpu cpu;
    public final DataAccess mem;
    public final BlockCache blocks;
    /** The sampling hook (feature profiling units attach here through {@link #sampling()}). */
    final Sampling sampling;
    /**
     * The retired-operation count at which the next operation is sampled; {@code Long.MAX_VALUE} while nothing is
     * armed, so the interpreter's check before each block never fires.
     */
    long sampleAt = Long.MAX_VALUE;

    /** @param counter the machine's system counter (every PE of a machine gets the same one) */
    public Core(GuestMemory memory, Stage2 stage2, LongPredicate isDevice, SysRegFile regs, SystemCounter counter) {
        this(new Cpu(regs, counter), c -> new DataAccess(c, memory, stage2, isDevice));
    }

    private Core(Cpu cpu, Function<Cpu, DataAccess> dataSide) {
        this.cpu = cpu;
        mem = dataSide.apply(cpu);
        blocks = new BlockCache(this);
        mem.watchCodePages(blocks);
        sampling = new Sampling(this);
    }

    /**
     * Connects the PE's private peripheral interrupt inputs (a profiling unit's PMBIRQ) to the interrupt controller.
     *
     * @param line called with the INTID and the new level
     */
    public void connectPpis(BiConsumer<Integer, Boolean> line) {
        sampling.connectPpis(line);
    }

    /**
     * A PE of a host machine that walks real stage-2 tables in host memory (VTTBR_EL2, VTCR_EL2).
     *
     * @param domain the PEs its broadcast TLB maintenance reaches
     */
    public Core(HostMemory host, TlbDomain domain, LongPredicate isDevice, SysRegFile regs, SystemCounter counter) {
        this(new Cpu(regs, counter), c -> new DataAccess(c, host, domain, isDevice));
    }

    /**
     * Runs guest instructions until the PE halts ({@link org.polyvisor.arm64.internal.cpu.Halt}, returned and
     * cleared) or {@code stop} answers true at a block boundary ({@code Halt.NONE}).
     */
    public int run(BooleanSupplier stop) {
        return Interpreter.run(this, stop);
    }

    // ---------------------------------------------------------------- SysRegState

    @Override
    public int currentEl() {
        return cpu.el;
    }

    @Override
    public long raw(String name) {
        return cpu.sys[cpu.regs.index(name)];
    }

    @Override
    public void setRaw(String name, long value) {
        cpu.sys[cpu.regs.index(name)] = value;
    }

    @Override
    public int slot(String name) {
        return cpu.regs.index(name);
    }

    @Override
    public long rawAt(int slot) {
        return cpu.sys[slot];
    }

    @Override
    public void setRawAt(int slot, long value) {
        cpu.sys[slot] = value;
    }

    @Override
    public long hcr() {
        return cpu.hcr();
    }

    @Override
    public long sctlr() {
        return cpu.sctlr();
    }

    @Override
    public int nzcv() {
        return cpu.nzcv();
    }

    @Override
    public void setNzcv(int nzcv) {
        cpu.setNzcv(nzcv);
    }

    @Override
    public int daif() {
        return cpu.daif;
    }

    @Override
    public void setDaif(int daif) {
        cpu.daif = daif & Cpu.DAIF_MASK;
    }

    @Override
    public boolean spSel() {
        return cpu.spSel;
    }

    @Override
    public void setSpSel(boolean spEl1) {
        cpu.setElSp(cpu.el, spEl1);
    }

    @Override
    public long spEl0() {
        return cpu.spEl0;
    }

    @Override
    public void setSpEl0(long value) {
        cpu.spEl0 = value;
    }

    @Override
    public long physicalCount() {
        return cpu.physicalCount();
    }

    @Override
    public long virtualCount() {
        return cpu.virtualCount();
    }

    @Override
    public void translationChanged() {
        mem.flushTlb();
    }

    @Override
    public void translationChangedInnerShareable() {
        mem.tlbiCurrentVmidInnerShareable();
    }

    @Override
    public void zeroBlock(long va) {
        mem.dcZva(va);
    }

    @Override
    public void addressTranslate(long va, boolean write, boolean el0) {
        mem.at(va, write, el0);
    }

    @Override
    public SamplingHook sampling() {
        return sampling;
    }

    @Override
    public void invalidateInstructionCache() {
        blocks.invalidateAll();
    }
}
