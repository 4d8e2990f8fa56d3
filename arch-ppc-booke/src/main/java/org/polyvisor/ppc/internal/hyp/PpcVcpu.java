package org.polyvisor.ppc.internal.hyp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.polyvisor.ppc.internal.cpu.Spr;
import org.polyvisor.ppc.internal.cpu.SprTable;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.exec.Interpreter;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.GuestClock;
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
    /** The machine's power-off request, or null while it runs (read between batches). */
    private final Supplier<Exit.Shutdown> shutdownRequest;
    /** The VM's guest clock, which the core's time base counts from: a waiting vCPU sleeps until its deadline. */
    private final GuestClock clock;
    private final WakeSignal wake = new WakeSignal();
    private volatile boolean kicked;

    /**
     * @param cpu             the core, with the MMU version and JIT threshold of the VM's options
     * @param hyp             the hypervisor of this vCPU on that core
     * @param clock           the VM's guest clock, the one the core's time base was built on
     * @param shutdownRequest the machine's power-off request, null while the machine runs
     */
    public PpcVcpu(int index, Cpu cpu, Hypervisor hyp, GuestClock clock, Supplier<Exit.Shutdown> shutdownRequest) {
        this.index = index;
        this.cpu = cpu;
        this.hyp = hyp;
        this.clock = clock;
        this.shutdownRequest = shutdownRequest;
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

    /**
     * The time base needs no start or stop here: it counts from the VM's guest clock, which the framework stops
     * whenever the VM is not running (QEMU's vm_stop), so a paused vCPU's time base stands still on its own.
     */
    @Override
    public Exit run() {
        while (true) {
            if (kicked) {
                kicked = false;
                return Exit.KICKED;
            }
            Exit.Shutdown off = shutdownRequest.get();
            if (off != null) {
                return off;
            }
            hyp.interrupts().prepareToEnter();
            if (cpu.halted) {
                if (hyp.interrupts().wakeupPending()) {
                    continue;
                }
                wake.await(hostDeadline(hyp.interrupts().nextTimerEvent()));
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

    /**
     * The {@link System#nanoTime()} at which a waiting vCPU must look again: when guest time reaches the time base
     * value of the next timer event if the VM keeps running (a pause kicks the vCPU, and it computes this again when
     * it runs). As KVM's kvmppc_decrementer wakeup, but from guest time, like QEMU's decrementer timer on
     * QEMU_CLOCK_VIRTUAL.
     */
    private long hostDeadline(long timeBaseTicks) {
        if (timeBaseTicks == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long guestNanos = cpu.timeBase.guestNanosAt(timeBaseTicks);
        return guestNanos == Long.MAX_VALUE ? Long.MAX_VALUE : clock.hostNanosAt(guestNanos);
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
        return VcpuState.export(cpu, hyp);
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
        m.put("tb", cpu.timeBase.now()); // the 64-bit time base as mftbu:mftb would read it now
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
