package org.polyvisor.arm64.internal.machine.gic;

import org.polyvisor.arm64.internal.hyp.InterruptController;
import org.polyvisor.arm64.internal.hyp.IrqLine;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.polyvisor.spi.StateIncompatibleException;
import org.polyvisor.spi.StateSnapshot;

/**
 * The state of a GICv3 as QEMU's virt machine has it with {@code gic-version=3} and security disabled (DS = 1):
 * SGIs 0..15 and PPIs 16..31 per CPU (redistributor), {@value #SPIS} SPIs (distributor), 8-bit priorities, groups 0
 * and 1, edge or level triggering, and per-CPU interface state (PMR, group enables, active-priority stack). One lock
 * guards everything: interrupts change on slow paths (MMIO, ICC_* accesses, timer edges) only; after every change the
 * affected CPUs' lines are recomputed and pushed to their {@link IrqLine}.
 */
public final class GicV3 implements InterruptController {
    /** QEMU virt's GICv3 has 256 interrupt IDs (GICD_TYPER.ITLinesNumber = 7): 224 SPIs. */
    public static final int SPIS = 224;
    public static final int NR_IRQS = 32 + SPIS;
    public static final int SPURIOUS = 1023;
    public static final int IDLE_PRIORITY = 0xFF;
    /** The CPU interface implements 5 priority bits, as QEMU's GICv3 does (ICC_CTLR_EL1.PRIbits = 4, PMR reads 0xF8). */
    public static final int PRIORITY_MASK = 0xF8;

    static final int ENABLED = 1;
    static final int PENDING = 2;
    static final int ACTIVE = 4;
    static final int GROUP1 = 8;
    static final int EDGE = 16;
    /**
     * Input line level. A level-sensitive interrupt is pending while its line is high or its software pending latch
     * (ISPENDR) is set; acknowledging clears only the latch. An edge-triggered one latches PENDING on a rising edge.
     */
    static final int LINE = 32;

    /** The flags with PENDING as software sees it (latch, or a high line of a level-sensitive interrupt). */
    static int effective(int f) {
        return (f & (EDGE | LINE)) == LINE ? f | PENDING : f;
    }

    private final int ncpu;
    /** [cpu][intid] for 0..31; SPIs live in cpu 0's row at 32.. and are shared. */
    private final int[][] flags;
    private final int[][] prio;
    private final int[] route = new int[NR_IRQS];
    private boolean enableGrp0;
    private boolean enableGrp1;
    private final CpuIf[] cpus;
    private final IrqLine[] lines;

    /** Per-CPU interface state (ICC_*). */
    static final class CpuIf {
        int pmr;
        boolean grpen0;
        boolean grpen1;
        int bpr1;
        final int[] activeIntid = new int[32];
        final int[] activePrio = new int[32];
        int depth;
        boolean line;
        /**
         * GICR_WAKER.ProcessorSleep (ChildrenAsleep follows it at once): redistributor state, so it is part of the
         * snapshot; a machine rebuilt between a guest's WAKER write and its ChildrenAsleep poll must not put the
         * redistributor back to sleep (the guest would poll forever).
         */
        boolean processorSleep = true;

        int runningPriority() {
            return depth == 0 ? IDLE_PRIORITY + 1 : activePrio[depth - 1];
        }
    }

    public GicV3(int ncpu) {
        this.ncpu = ncpu;
        flags = new int[ncpu][NR_IRQS];
        prio = new int[ncpu][NR_IRQS];
        cpus = new CpuIf[ncpu];
        lines = new IrqLine[ncpu];
        for (int c = 0; c < ncpu; c++) {
            cpus[c] = new CpuIf();
            for (int i = 0; i < 16; i++) {
                flags[c][i] = EDGE; // SGIs are always edge-triggered
            }
            lines[c] = a -> { };
        }
    }

    public int cpuCount() {
        return ncpu;
    }

    /** GICR_WAKER.ProcessorSleep of a CPU's redistributor. */
    public synchronized boolean processorSleep(int cpu) {
        return cpus[cpu].processorSleep;
    }

    public synchronized void setProcessorSleep(int cpu, boolean sleep) {
        cpus[cpu].processorSleep = sleep;
    }

    @Override
    public synchronized void connect(int cpu, IrqLine line) {
        lines[cpu] = line;
        update(cpu);
    }

    // ---------------------------------------------------------------- per-interrupt state

    private int row(int cpu, int intid) {
        return intid < 32 ? cpu : 0;
    }

    synchronized int flags(int cpu, int intid) {
        return effective(flags[row(cpu, intid)][intid]);
    }

    synchronized void setFlags(int cpu, int intid, int set, int clear) {
        int r = row(cpu, intid);
        flags[r][intid] = (flags[r][intid] | set) & ~clear;
        changed(cpu, intid);
    }

    synchronized int priority(int cpu, int intid) {
        return prio[row(cpu, intid)][intid];
    }

    synchronized void setPriority(int cpu, int intid, int p) {
        prio[row(cpu, intid)][intid] = p & 0xFF;
        changed(cpu, intid);
    }

    synchronized int route(int intid) {
        return route[intid];
    }

    synchronized void setRoute(int intid, int cpu) {
        route[intid] = cpu;
        changed(0, intid);
    }

    synchronized int ctlr() {
        return (enableGrp0 ? 1 : 0) | (enableGrp1 ? 2 : 0) | (1 << 4) | (1 << 6); // ARE and DS read as one
    }

    synchronized void setCtlr(long v) {
        enableGrp0 = (v & 1) != 0;
        enableGrp1 = (v & 2) != 0;
        updateAll();
    }

    /** Drives a level-sensitive PPI or SPI input (the virtual timer, a device). */
    @Override
    public synchronized void setLevel(int cpu, int intid, boolean high) {
        int r = row(cpu, intid);
        int f = flags[r][intid];
        if (high && (f & (EDGE | LINE)) == EDGE) {
            f |= PENDING; // rising edge
        }
        flags[r][intid] = high ? f | LINE : f & ~LINE;
        changed(cpu, intid);
    }

    /** ICC_SGI1R_EL1 from {@code source}: TargetList [15:0], INTID [27:24], IRM bit 40 (all but self). */
    public synchronized void sendSgi(int source, long value) {
        int intid = (int) (value >>> 24) & 0xF;
        boolean all = ((value >>> 40) & 1) != 0;
        int aff1 = (int) (value >>> 16) & 0xFF;
        for (int c = 0; c < ncpu; c++) {
            boolean target = all ? c != source : aff1 == 0 && c < 16 && ((value >>> c) & 1) != 0;
            if (target) {
                flags[c][intid] |= PENDING;
                update(c);
            }
        }
    }

    // ---------------------------------------------------------------- CPU interface

    private boolean groupEnabled(CpuIf ci, int f) {
        return (f & GROUP1) != 0 ? enableGrp1 && ci.grpen1 : enableGrp0 && ci.grpen0;
    }

    /** Highest-priority interrupt pending, enabled and not active for {@code cpu}, ignoring PMR; -1 if none. */
    private int highestPending(int cpu, boolean group1Only, boolean group0Only) {
        CpuIf ci = cpus[cpu];
        int best = -1;
        int bestPrio = 0x100;
        for (int i = 0; i < NR_IRQS; i++) {
            if (i >= 32 && route[i] != cpu) {
                continue;
            }
            int f = effective(flags[row(cpu, i)][i]);
            if ((f & (ENABLED | PENDING | ACTIVE)) != (ENABLED | PENDING) || !groupEnabled(ci, f)) {
                continue;
            }
            if ((group1Only && (f & GROUP1) == 0) || (group0Only && (f & GROUP1) != 0)) {
                continue;
            }
            int p = prio[row(cpu, i)][i] & PRIORITY_MASK; // equal group priority: the lowest INTID wins
            if (p < bestPrio) {
                best = i;
                bestPrio = p;
            }
        }
        return best;
    }

    private boolean signalled(int cpu, int intid) {
        if (intid < 0) {
            return false;
        }
        CpuIf ci = cpus[cpu];
        int p = prio[row(cpu, intid)][intid] & PRIORITY_MASK;
        return p < ci.pmr && p < ci.runningPriority();
    }

    public synchronized int acknowledge(int cpu, boolean group1) {
        int i = highestPending(cpu, group1, !group1);
        if (!signalled(cpu, i)) {
            return SPURIOUS;
        }
        CpuIf ci = cpus[cpu];
        int r = row(cpu, i);
        flags[r][i] = (flags[r][i] | ACTIVE) & ~PENDING; // a level interrupt stays pending while its line is high
        if (ci.depth < ci.activeIntid.length) {
            ci.activeIntid[ci.depth] = i;
            ci.activePrio[ci.depth] = prio[r][i] & PRIORITY_MASK;
            ci.depth++;
        }
        update(cpu);
        return i;
    }

    /** EOImode 0: priority drop and deactivation of {@code intid}. */
    public synchronized void endOfInterrupt(int cpu, int intid) {
        CpuIf ci = cpus[cpu];
        if (intid >= NR_IRQS) {
            return;
        }
        for (int d = ci.depth - 1; d >= 0; d--) {
            if (ci.activeIntid[d] == intid) {
                System.arraycopy(ci.activeIntid, d + 1, ci.activeIntid, d, ci.depth - d - 1);
                System.arraycopy(ci.activePrio, d + 1, ci.activePrio, d, ci.depth - d - 1);
                ci.depth--;
                break;
            }
        }
        int r = row(cpu, intid);
        flags[r][intid] &= ~ACTIVE;
        changed(cpu, intid);
    }

    synchronized int highestPendingId(int cpu, boolean group1) {
        int i = highestPending(cpu, group1, !group1);
        return signalled(cpu, i) ? i : SPURIOUS;
    }

    synchronized int runningPriority(int cpu) {
        return cpus[cpu].runningPriority() & 0xFF;
    }

    synchronized long cpuReg(int cpu, String which) {
        CpuIf ci = cpus[cpu];
        return switch (which) {
            case "PMR" -> ci.pmr;
            case "GRPEN0" -> ci.grpen0 ? 1 : 0;
            case "GRPEN1" -> ci.grpen1 ? 1 : 0;
            case "BPR1" -> ci.bpr1;
            default -> 0;
        };
    }

    public synchronized void setCpuReg(int cpu, String which, long v) {
        CpuIf ci = cpus[cpu];
        switch (which) {
            case "PMR" -> ci.pmr = (int) v & PRIORITY_MASK;
            case "GRPEN0" -> ci.grpen0 = (v & 1) != 0;
            case "GRPEN1" -> ci.grpen1 = (v & 1) != 0;
            case "BPR1" -> ci.bpr1 = (int) v & 7;
            default -> {
            }
        }
        update(cpu);
    }

    /** Whether the CPU interface asserts the IRQ line of {@code cpu} now. */
    public synchronized boolean lineAsserted(int cpu) {
        return cpus[cpu].line;
    }

    private void changed(int cpu, int intid) {
        if (intid < 32) {
            update(cpu);
        } else {
            updateAll();
        }
    }

    private void updateAll() {
        for (int c = 0; c < ncpu; c++) {
            update(c);
        }
    }

    private void update(int cpu) {
        boolean line = signalled(cpu, highestPending(cpu, false, false));
        cpus[cpu].line = line;
        lines[cpu].set(line);
    }

    // ---------------------------------------------------------------- state

    public synchronized StateSnapshot exportState() {
        StateSnapshot.Builder b = StateSnapshot.builder("gicv3", 1).flag("enableGrp0", enableGrp0)
                .flag("enableGrp1", enableGrp1).value("cpus", ncpu);
        for (int c = 0; c < ncpu; c++) {
            CpuIf ci = cpus[c];
            StateSnapshot.Builder cb = StateSnapshot.builder("gicv3.cpu", 1).value("pmr", ci.pmr)
                    .flag("grpen0", ci.grpen0).flag("grpen1", ci.grpen1).value("bpr1", ci.bpr1).value("depth", ci.depth)
                    .flag("waker.processorSleep", ci.processorSleep);
            for (int d = 0; d < ci.depth; d++) {
                cb.value("active." + d + ".intid", ci.activeIntid[d]).value("active." + d + ".prio", ci.activePrio[d]);
            }
            b.child("cpu" + c, cb.build());
            b.blob("flags" + c, toBytes(flags[c])).blob("prio" + c, toBytes(prio[c]));
        }
        return b.blob("route", toBytes(route)).build();
    }

    public synchronized void importState(StateSnapshot s) {
        s.requireKind("gicv3", 1);
        if (s.value("cpus") != ncpu) {
            throw new StateIncompatibleException("gicv3 snapshot has " + s.value("cpus")
                    + " CPUs, this machine " + ncpu);
        }
        enableGrp0 = s.value("enableGrp0") != 0;
        enableGrp1 = s.value("enableGrp1") != 0;
        for (int c = 0; c < ncpu; c++) {
            StateSnapshot cs = s.child("cpu" + c);
            CpuIf ci = cpus[c];
            ci.pmr = (int) cs.value("pmr");
            ci.grpen0 = cs.value("grpen0") != 0;
            ci.grpen1 = cs.value("grpen1") != 0;
            ci.bpr1 = (int) cs.value("bpr1");
            ci.depth = (int) cs.value("depth");
            // snapshots from before the WAKER state was recorded: the guest had woken its redistributor long before
            ci.processorSleep = cs.value("waker.processorSleep", 0) != 0;
            for (int d = 0; d < ci.depth; d++) {
                ci.activeIntid[d] = (int) cs.value("active." + d + ".intid");
                ci.activePrio[d] = (int) cs.value("active." + d + ".prio");
            }
            fromBytes(s.blob("flags" + c), flags[c]);
            fromBytes(s.blob("prio" + c), prio[c]);
        }
        fromBytes(s.blob("route"), route);
        updateAll();
    }

    private static byte[] toBytes(int[] a) {
        ByteBuffer bb = ByteBuffer.allocate(a.length * 4);
        bb.asIntBuffer().put(a);
        return bb.array();
    }

    private static void fromBytes(byte[] b, int[] a) {
        Arrays.fill(a, 0);
        ByteBuffer.wrap(b).asIntBuffer().get(a, 0, Math.min(a.length, b.length / 4));
    }
}
