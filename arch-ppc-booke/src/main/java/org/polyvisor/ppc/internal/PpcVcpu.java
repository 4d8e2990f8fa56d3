package org.polyvisor.ppc.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.cpu.Cpu;
import org.polyvisor.ppc.internal.cpu.Interpreter;
import org.polyvisor.ppc.internal.cpu.Spr;
import org.polyvisor.ppc.internal.cpu.SprTable;
import org.polyvisor.ppc.internal.hyp.Hypervisor;
import org.polyvisor.ppc.internal.hyp.LastInstLoader;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;
import org.polyvisor.spi.WakeSignal;

/**
 * One e500mc vCPU: the core model running the guest in guest state, and the hypervisor that handles what the core
 * directs to it. run() loops "enter guest, run a batch, handle exit" like KVM's kvmppc_vcpu_run and returns only
 * for exits the framework must see.
 */
public final class PpcVcpu implements Vcpu {
    /** Instructions per batch: the kick flag and timers are looked at between batches (about 50 us). */
    static final int BATCH = 10_000;

    private final int index;
    final Cpu cpu;
    final Hypervisor hyp;
    private final PpcMachine machine;
    private final WakeSignal wake = new WakeSignal();
    private volatile boolean kicked;

    PpcVcpu(int index, GuestMemory memory, PpcOptions options, PpcMachine machine) {
        this.index = index;
        this.machine = machine;
        this.cpu = new Cpu(memory, options.mmuV2());
        cpu.jitThreshold = options.jitThreshold();
        LastInstLoader loader = options.lastInst().equals("lwepx")
                ? new org.polyvisor.ppc.internal.hyp.LwepxLoader()
                : new org.polyvisor.ppc.internal.hyp.TlbSearchLoader();
        this.hyp = new Hypervisor(cpu, memory, 1 + index, loader);
        hyp.load(index);
    }

    public Cpu cpu() {
        return cpu;
    }

    public Hypervisor hypervisor() {
        return hyp;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public Exit run() {
        cpu.timeBase.resume();
        try {
            return runLoop();
        } finally {
            cpu.timeBase.freeze();
        }
    }

    private Exit runLoop() {
        while (true) {
            if (kicked) {
                kicked = false;
                return Exit.KICKED;
            }
            Exit.Shutdown off = machine.shutdownRequest();
            if (off != null) {
                return off;
            }
            hyp.prepareToEnter();
            if (cpu.halted) {
                if (hyp.wakeupPending()) {
                    continue;
                }
                long deadline = hyp.nextTimerEvent();
                wake.await(deadline == Long.MAX_VALUE ? Long.MAX_VALUE : cpu.timeBase.nanoTimeAt(deadline));
                continue;
            }
            int ivor = Interpreter.run(cpu, BATCH);
            if (ivor >= 0) {
                Exit e = hyp.handleExit(ivor);
                if (e != null) {
                    return e;
                }
            }
        }
    }

    @Override
    public void kick() {
        kicked = true;
        cpu.stop = true;
        wake.signal();
    }

    @Override
    public void completeMmioRead(long value) {
        hyp.completeMmioRead(value);
    }

    @Override
    public StateSnapshot exportState() {
        return VcpuState.export(cpu, hyp, 0);
    }

    @Override
    public void importState(StateSnapshot state) {
        VcpuState.importInto(state, cpu, hyp);
    }

    @Override
    public Map<String, Long> registers() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < 32; i++) {
            m.put("r" + i, cpu.gpr[i] & 0xFFFF_FFFFL);
        }
        m.put("pc", cpu.pc & 0xFFFF_FFFFL);
        m.put("msr", cpu.msr & 0xFFFF_FFFFL);
        m.put("cr", cpu.cr & 0xFFFF_FFFFL);
        m.put("xer", cpu.xer & 0xFFFF_FFFFL);
        m.put("lr", cpu.lr & 0xFFFF_FFFFL);
        m.put("ctr", cpu.ctr & 0xFFFF_FFFFL);
        for (Spr s : SprTable.all()) {
            m.put(s.name(), cpu.spr[s.num()] & 0xFFFF_FFFFL);
        }
        hyp.stats.snapshot().forEach((k, v) -> m.put("exits." + k, v));
        m.put("instructions", cpu.retired);
        m.put("jit.blocks", cpu.compiler.compiled());
        m.put("jit.failures", cpu.compiler.failures());
        return m;
    }

    @Override
    public long instructionsRetired() {
        return cpu.retired;
    }
}
