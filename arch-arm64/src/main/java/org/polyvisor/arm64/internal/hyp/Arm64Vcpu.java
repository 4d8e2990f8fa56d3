package org.polyvisor.arm64.internal.hyp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.cpu.Halt;
import org.polyvisor.arm64.internal.cpu.VirtualTimer;
import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.spi.Vcpu;
import org.polyvisor.spi.WakeSignal;

/**
 * One vCPU as KVM's kvm_arch_vcpu_ioctl_run sees it: power state (PSCI), interrupt lines (GIC virtual IRQ, virtual
 * timer), and the loop around the world switch. Exits the hypervisor resolves without leaving {@link #run()} are
 * IRQ/timer exits and stage-2 faults on RAM; everything else goes to the framework: MMIO (decoded from the syndrome)
 * and the arch exits (HVC64, SMC64, SYS64, WFx, ...) to the exit-handler whiteboard.
 */
public final class Arm64Vcpu implements Vcpu, VirtualIrq {
    public static final String STATE_KIND = "arm64.vcpu";
    /**
     * Version 3: "hyp.cntvoff" is the guest's CNTVOFF on the system counter of guest time ({@link GuestClockCounter}),
     * which the framework saves and restores itself. Version 2 kept CNTVOFF on the old JVM-wide host counter, where it
     * meant "the counter when the VM was created"; on guest time that moment is 0, which the machine's own CNTVOFF
     * already says, so a v2 snapshot keeps it (the guest's virtual count continues from the restored guest time).
     * Version 1 had no CNTVOFF.
     */
    public static final int STATE_VERSION = 3;
    private static final int VERSION_CNTVOFF_ON_GUEST_TIME = 3;
    /** Blocks between two looks at the virtual timer while the guest runs (the model's physical timer IRQ). */
    private static final int TIMER_POLL_BLOCKS = 512;

    public static final int POWER_ON = PowerState.ON;
    public static final int POWER_OFF = PowerState.OFF;
    public static final int POWER_ON_PENDING = PowerState.ON_PENDING;

    private final int index;
    private final Core core;
    private final Cpu cpu;
    private final PhysicalCpu hw;
    private final GuestTraps traps;
    private final WorldSwitch sw;
    private final VcpuSessions sessions;
    private final InterruptController gic;
    private final VirtualTimer timer;
    private final MmioSyndrome mmio;
    private final GuestExits exits;
    private final long mpidr;
    private final WakeSignal wake = new WakeSignal();

    private volatile boolean kickRequested;
    /** Something changed that the run loop must look at (interrupt line, power state, kick). */
    private volatile boolean attention;
    /** The GIC CPU interface's output for this vCPU. */
    private volatile boolean irqLine;
    private final PowerState power = new PowerState();

    /**
     * {@link #OUT}, {@link #IN} (a thread is inside {@link #run()}) or {@link #SYNCING} (a binder thread reconciles
     * the participants of this vCPU while it is outside run(); run() waits for it to finish). Set by a CAS on entry
     * and a release write on exit: cheap on the exit path.
     */
    @SuppressWarnings("unused")
    private int runState;
    private static final int OUT = 0;
    private static final int IN = 1;
    private static final int SYNCING = 2;
    private static final VarHandle RUN_STATE;

    static {
        try {
            RUN_STATE = MethodHandles.lookup().findVarHandle(Arm64Vcpu.class, "runState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private boolean viLoaded;
    private boolean timerLevel;
    private boolean timerFired;
    private int poll;
    private long irqExits;
    /** pv:exits counter for the IRQ exits resolved inside run() (the framework's, when the VM manager provides one). */
    private LongAdder irqExitCounter = new LongAdder();
    private final int iCntvoff;
    private final BooleanSupplier stop = this::stopRequested;
    /** The VM's stage-2 fault path when it has real stage-2 tables (null with a callback stage 2). */
    private Stage2Faults stage2;
    private final Stage2Abort stage2Abort;
    /** The registers as the SYS64 handler asks access checks at EL2 (one per vCPU: no allocation per exit). */
    private final HypervisorView hypervisorView;
    /** vcpu_load/vcpu_put onto the host's shared physical CPUs, or null: this vCPU has a physical CPU of its own. */
    private VcpuLoad shared;

    public Arm64Vcpu(int index, PhysicalCpu hw, GuestTraps traps, VcpuSessions sessions, InterruptController gic,
                     long mpidr) {
        this.index = index;
        this.core = hw.core();
        this.cpu = core.cpu;
        this.hw = hw;
        this.traps = traps;
        this.sessions = sessions;
        this.gic = gic;
        this.mpidr = mpidr;
        this.timer = new VirtualTimer(cpu);
        this.mmio = new MmioSyndrome(cpu);
        this.exits = new GuestExits(cpu, core.mem.isDevice, mmio);
        this.iCntvoff = cpu.regs.index("CNTVOFF_EL2");
        this.sw = WorldSwitch.create(hw, traps, this);
        this.stage2Abort = new Stage2Abort(cpu, core.mem.isDevice, sw);
        gic.connect(index, this::irqLineChanged);
        // another PE's broadcast TLBI: leave the guest at the next block boundary so it is applied before re-entry
        core.mem.onRemoteInvalidate(() -> attention = true);
        core.connectPpis((intid, level) -> gic.setLevel(index, intid, level)); // a profiling unit's PMBIRQ
        this.hypervisorView = new HypervisorView(core);
    }

    /**
     * A stand-alone vCPU for CPU-model tests: VHE host, the given interrupt controller, no participants, CNTVOFF 0,
     * MPIDR as the CPU model holds it.
     */
    public Arm64Vcpu(int index, Core core, InterruptController gic) {
        this(index, new PhysicalCpu(core, HostModel.VHE, index, VheDaif.UPSTREAM),
                new GuestTraps(HostModel.VHE, 1, 0),
                new VcpuSessions(index, new ParticipantRegistry(), new HashMap<>()), gic,
                core.cpu.sys[core.cpu.regs.index("MPIDR_EL1")]);
    }

    public Cpu cpu() {
        return cpu;
    }

    public Core core() {
        return core;
    }

    public WorldSwitch worldSwitch() {
        return sw;
    }

    public PhysicalCpu physical() {
        return hw;
    }

    public long mpidr() {
        return mpidr;
    }

    @Override
    public int index() {
        return index;
    }

    // ---------------------------------------------------------------- the run loop

    @Override
    public Exit run() {
        while (!RUN_STATE.compareAndSet(this, OUT, IN)) {
            Thread.onSpinWait(); // a binder is reconciling this vCPU's participants for it (syncParticipantsIfOutside)
        }
        try {
            return runLoop();
        } finally {
            if (shared != null) {
                put(); // KVM_RUN returns to user space: vcpu_put
            }
            RUN_STATE.setRelease(this, OUT);
        }
    }

    private Exit runLoop() {
        while (true) {
            if (kickRequested) {
                kickRequested = false;
                syncParticipants(); // a participant change kicks: reconcile before leaving (its code is still there)
                put();
                return Exit.KICKED;
            }
            if (attention) {
                attention = false; // a volatile write only when needed: this loop is the exit path
            }
            syncParticipants();
            int p = power.state();
            if (p == POWER_OFF) {
                put();
                wake.await(Long.MAX_VALUE);
                continue;
            }
            if (p == POWER_ON_PENDING) {
                powerOn();
            }
            if (shared != null) {
                if (shared.yieldWanted()) {
                    put(); // end of the time slice with others waiting: queue again behind them
                }
                shared.load();
            }
            core.mem.checkStage2Generation();
            sw.load();
            sampleTimer();
            viLoaded = irqLine;
            traps.setVirtualIrq(viLoaded);
            timerFired = false;
            poll = TIMER_POLL_BLOCKS;
            int halt = sw.run(stop);
            if (halt == Halt.NONE) {
                irqExits++; // an IRQ exit (timer, interrupt line, kick): handled here, like KVM's ARM_EXCEPTION_IRQ
                irqExitCounter.increment();
                continue;
            }
            if (stage2 != null && stage2Abort.handle(stage2)) {
                continue; // a stage-2 fault on RAM, mapped; or an abort injected into the guest
            }
            return exits.decode(sw.exitElr());
        }
    }

    /** kvm_arch_vcpu_put, then the physical CPU goes back to the pool when the vCPU time-shares one. */
    private void put() {
        sw.put();
        if (shared != null) {
            shared.put();
        }
    }

    /** The vCPU time-shares the host's physical CPUs from now on (before it first runs). */
    public void shareOn(PcpuPool pool) {
        shared = new VcpuLoad(pool, index, hw, traps, () -> attention = true);
        sw.leaveStage2OnExit();
    }

    /** Its side of the shared physical CPUs, or null when it has a physical CPU of its own. */
    public VcpuLoad sharing() {
        return shared;
    }

    /** Gives the vCPU its VM's stage-2 tables: VTTBR for every entry, and the fault path for its aborts. */
    public void useStage2(Stage2Faults s2) {
        stage2 = s2;
        traps.setStage2(s2.vttbr(), s2.vtcr());
    }

    /** Where IRQ exits resolved inside run() are counted (pv:exits shows them as hyp.IRQ). */
    public void countIrqExitsIn(LongAdder counter) {
        irqExitCounter = counter;
    }

    /** This vCPU's registers with CurrentEL answering 2, for the SYS64 handler's second access check. */
    HypervisorView hypervisorView() {
        return hypervisorView;
    }

    /** Whether this vCPU's participant sessions match the registered participants. */
    public boolean participantsCurrent() {
        return sessions.current();
    }

    /**
     * Reconciles the participants on the caller's thread when this vCPU is outside {@link #run()}, which it cannot
     * enter meanwhile: a participant that leaves while the vCPU is between exits, paused or stopped is exported
     * now, while its code is still there, not whenever the vCPU next runs.
     *
     * @return false when a thread is inside run(): a kicked vCPU reconciles there before it leaves
     */
    public boolean syncParticipantsIfOutside() {
        if (!RUN_STATE.compareAndSet(this, OUT, SYNCING)) {
            return false;
        }
        try {
            syncParticipants();
        } finally {
            RUN_STATE.setRelease(this, OUT);
        }
        return true;
    }

    /** Brings the world-switch participants up to date (safe point: no switch in progress on this vCPU). */
    public void syncParticipants() {
        if (sessions.stale()) {
            synchronized (sessions) { // against an export or import of the sessions on a framework thread
                if (sessions.stale()) {
                    sw.setSessions(sessions.reconcile(hw));
                }
            }
        }
    }

    /** Checked by the interpreter at every block boundary: no allocation, a few field reads. */
    private boolean stopRequested() {
        if (attention || (viLoaded && (cpu.daif & Cpu.DAIF_I) == 0)) {
            return true;
        }
        if (--poll < 0) {
            poll = TIMER_POLL_BLOCKS;
            if ((timerLevel || timer.enabled()) && timer.output(cpu.sys[iCntvoff]) != timerLevel) {
                timerFired = true; // the timer's output changed: exit so the GIC sees it (a physical timer IRQ)
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean wantsEntry(Cpu c) {
        return !attention && !timerFired && viLoaded && (c.daif & Cpu.DAIF_I) == 0;
    }

    @Override
    public void takeIfUnmasked(Cpu c) {
        if ((c.daif & Cpu.DAIF_I) == 0 && c.el <= 1) {
            Exceptions.takeIrq(c);
        }
    }

    /**
     * Drives the virtual IRQ line directly (tests, or an interrupt source without the GIC model): while it is high and
     * PSTATE.I is clear the guest takes an IRQ at the next block boundary; a WFI wakes at once. The GIC drives the same
     * line through {@link InterruptController#connect}, so its next update wins.
     */
    public void setIrqLine(boolean level) {
        irqLineChanged(level);
    }

    private void irqLineChanged(boolean asserted) {
        if (asserted != irqLine) {
            irqLine = asserted;
            attention = true;
            if (asserted) {
                wake.signal();
            }
        }
    }

    /** Feeds the virtual timer's output to the GIC as PPI 27 (only on a change: the GIC takes a lock). */
    public void sampleTimer() {
        if (!timerLevel && !timer.enabled()) {
            return; // a disabled or masked timer cannot rise: no clock read on the exit path
        }
        boolean level = timer.output(traps.cntvoff());
        if (level != timerLevel) {
            timerLevel = level;
            gic.setLevel(index, VirtualTimer.PPI, level);
        }
    }

    /**
     * WFI: block until the GIC signals an interrupt to this vCPU (whatever PSTATE.I says), the virtual timer is due,
     * or a kick; no busy waiting. WFE only yields (KVM: kvm_vcpu_on_spin).
     */
    public void waitForInterrupt(boolean wfe) {
        if (wfe) {
            Thread.onSpinWait();
            return;
        }
        put(); // kvm_vcpu_block schedules the vCPU out (and gives a shared physical CPU up)
        while (!kickRequested && power.state() == POWER_ON) {
            sampleTimer();
            if (irqLine) {
                return;
            }
            wake.await(timerLevel ? Long.MAX_VALUE : hostDeadline(timer.deadline(traps.cntvoff())));
        }
    }

    /**
     * The host time at which a WFI must look at the timer again: when guest time reaches the timer's deadline if the
     * VM keeps running. A pause kicks the vCPU, which computes this again when it runs (KVM's kvm_timer_blocking arms
     * the background timer from the guest's CVAL each time the vCPU blocks).
     */
    private long hostDeadline(long systemNanos) {
        return systemNanos == Long.MAX_VALUE ? Long.MAX_VALUE : cpu.counter.hostNanosAt(systemNanos);
    }

    @Override
    public void kick() {
        kickRequested = true;
        attention = true;
        wake.signal();
    }

    @Override
    public void completeMmioRead(long value) {
        mmio.completeRead(cpu, value);
    }

    // ---------------------------------------------------------------- PSCI power state

    public int powerState() {
        return power.state();
    }

    /** PSCI CPU_ON from another vCPU's thread: the target starts at {@code entry} with x0 = context. */
    public long requestPowerOn(long entry, long context) {
        long r = power.requestOn(entry, context);
        if (r == Psci.SUCCESS) {
            attention = true;
            wake.signal();
        }
        return r;
    }

    /** PSCI CPU_OFF (on the vCPU's own thread). */
    public void powerOff() {
        power.set(POWER_OFF);
        attention = true;
    }

    /** kvm_reset_vcpu with the PSCI entry point: EL1h, MMU off, DAIF masked, x0 = context id. */
    private void powerOn() {
        sw.withGuestView(() -> {
            resetKeepingIds();
            cpu.pc = power.entry();
            cpu.x[0] = power.context();
            core.blocks.invalidateAll();
        });
        power.set(POWER_ON);
    }

    /**
     * kvm_reset_vcpu: CPU reset of the guest's state, keeping what the hypervisor gives this vCPU: its identification
     * (MPIDR, VMPIDR_EL2, the VM's ID register values) and its EL2 trap configuration. Runs inside the guest view.
     */
    private void resetKeepingIds() {
        int pfr0 = cpu.regs.index("ID_AA64PFR0_EL1");
        long pfr0Value = cpu.sys[pfr0];
        int dfr0 = cpu.regs.index("ID_AA64DFR0_EL1");
        long dfr0Value = cpu.sys[dfr0]; // PMSVer of a VM given SPE (spe=on)
        int mmfr0 = cpu.regs.index("ID_AA64MMFR0_EL1");
        long mmfr0Value = cpu.sys[mmfr0];
        cpu.reset();
        cpu.sys[mmfr0] = mmfr0Value;
        cpu.sys[cpu.regs.index("MPIDR_EL1")] = mpidr;
        cpu.sys[cpu.regs.index("VMPIDR_EL2")] = mpidr;
        cpu.sys[pfr0] = pfr0Value;
        cpu.sys[dfr0] = dfr0Value;
        sw.reloadTraps();
    }

    /** Sets the boot state (primary: entry point; secondaries: off until CPU_ON). */
    public void boot(long entry, boolean primary) {
        sw.withGuestView(() -> {
            resetKeepingIds();
            cpu.pc = entry;
            core.blocks.invalidateAll();
        });
        power.set(primary ? POWER_ON : POWER_OFF);
    }

    /** Runs code that reads or writes guest registers (handlers that need guest system registers, snapshots). */
    public void withGuestView(Runnable r) {
        sw.withGuestView(r);
    }

    public long irqExits() {
        return irqExits;
    }

    // ---------------------------------------------------------------- state

    @Override
    public StateSnapshot exportState() {
        StateSnapshot.Builder b = StateSnapshot.builder(STATE_KIND, STATE_VERSION);
        sw.put();
        sw.withGuestView(() -> {
            cpu.regs.tables().forEach(t -> t.exporting(core)); // units put what they hold into registers/memory
            CpuSnapshot.export(cpu, b);
        });
        CpuSnapshot.exportMonitor(cpu, b);
        mmio.export(b);
        power.export(b);
        b.value("retired", cpu.retired)
                .value("hyp.cntvoff", traps.cntvoff()).flag("timer.level", timerLevel);
        synchronized (sessions) {
            sessions.export().forEach((id, s) -> b.child("participant." + id, s));
        }
        return b.build();
    }

    @Override
    public void importState(StateSnapshot state) {
        state.requireKind(STATE_KIND, STATE_VERSION);
        long ownCntvoff = traps.cntvoff();
        sw.put();
        sw.withGuestView(() -> CpuSnapshot.restore(cpu, state)); // also restores the CNTVOFF_EL2 register's value
        if (stage2 != null) {
            // the saved VTTBR/VTCR describe the tables of the machine that saved it: this machine has its own
            traps.setStage2(stage2.vttbr(), stage2.vtcr());
        }
        CpuSnapshot.restoreMonitor(cpu, state);
        mmio.importFrom(state);
        power.importFrom(state);
        // the framework restored guest time: with the saved CNTVOFF the count continues; an older state's CNTVOFF
        // counted on the JVM-wide host counter and gives way to this machine's own (see STATE_VERSION)
        traps.setCntvoff(state.version() >= VERSION_CNTVOFF_ON_GUEST_TIME ? state.value("hyp.cntvoff") : ownCntvoff);
        synchronized (sessions) {
            state.children().forEach((name, s) -> {
                if (name.startsWith("participant.")) {
                    sessions.importLater(name.substring("participant.".length()), s);
                }
            });
        }
        timerLevel = state.value("timer.level", 0) != 0; // the GIC snapshot holds the same line level
        cpu.retired = state.value("retired", 0);
        core.mem.flushTlb();
        core.blocks.invalidateAll();
        // last: a unit re-armed here counts from the restored retired-operation count
        sw.withGuestView(() -> cpu.regs.tables().forEach(t -> t.restored(core)));
    }

    @Override
    public Map<String, Long> registers() {
        Map<String, Long> m = new LinkedHashMap<>();
        sw.withGuestView(() -> CpuSnapshot.registers(cpu, m));
        m.put("power", (long) power.state());
        m.put("irq.line", irqLine ? 1L : 0L);
        m.put("hyp.irq_exits", irqExits); // exits resolved inside run() (timer, interrupt line, kick): not in pv:exits
        return m;
    }

    /** The modelled host CPU's context registers (what the world switch preserves), by name. */
    public Map<String, Long> hostRegisters() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String h : sw.hostContextRegisters()) {
            m.put(h, hw.read(h));
        }
        return m;
    }

    @Override
    public long instructionsRetired() {
        return cpu.retired;
    }
}
