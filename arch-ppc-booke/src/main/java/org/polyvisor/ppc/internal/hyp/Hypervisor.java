package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.*;

import java.util.function.LongPredicate;

import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.mmu.DataAccess;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.StateSnapshot;

/**
 * The KVM-e500mc-style hypervisor for one vCPU, in Java: it owns the guest-facing state KVM keeps in
 * {@code vcpu->arch} (guest TLB, emulated SPRs, decrementer, queued interrupts) and handles every interrupt the
 * hardware directs to it, as {@code kvmppc_handle_exit} does. The hot cases (guest TLB writes, shadow TLB fills,
 * reflected interrupts) are resolved here and the guest resumes at once; MMIO, hypercalls and failures leave
 * {@link org.polyvisor.spi.Vcpu#run()} as exits. Every exit is counted in {@link #stats}.
 */
public final class Hypervisor {
    /** EPCR while the guest runs (KVM e500mc shadow_epcr): DSI to the guest, TLB management traps. */
    public static final int SHADOW_EPCR = EPCR_DSIGS | EPCR_DGTMI | EPCR_DUVD;
    /** MSRP: protect UCLE, DE, PMM from the guest. */
    public static final int SHADOW_MSRP = 0x0400_0204;

    private final Cpu cpu;
    private final int lpid;
    private final GuestMemory memory;
    final ShadowTlb shadow;
    final GuestTlb guestTlb;
    final SprEmulator sprs;
    private final InstructionEmulator emulator;
    final MmioEmulator mmio = new MmioEmulator();
    private LastInstLoader loader;
    public final ExitStats stats = new ExitStats();
    private final int[] scratch = new int[1];

    /** Interrupts queued for the guest (KVM pending_exceptions): delivered on the next entry. */
    boolean programPending;
    int programEsr;
    boolean machineCheckPending;

    /** Whether a device claims a guest physical address (the VM's MMIO bus). */
    private LongPredicate deviceAt = a -> true;

    public void deviceMap(LongPredicate deviceAt) {
        this.deviceAt = deviceAt;
    }

    /** Test hook run before each last-instruction load (forced eviction for EMULATE_AGAIN). */
    private Runnable beforeLastInst;

    public Hypervisor(Cpu cpu, GuestMemory memory, int lpid, LastInstLoader loader) {
        this.cpu = cpu;
        this.memory = memory;
        this.lpid = lpid;
        this.loader = loader;
        this.shadow = new ShadowTlb(cpu, memory, lpid);
        this.guestTlb = new GuestTlb(cpu.tlb.mmuV2(), shadow);
        this.sprs = new SprEmulator(guestTlb);
        this.emulator = new InstructionEmulator(guestTlb, sprs);
    }

    public GuestTlb guestTlb() {
        return guestTlb;
    }

    public SprEmulator sprs() {
        return sprs;
    }

    public ShadowTlb shadow() {
        return shadow;
    }

    public LastInstLoader loader() {
        return loader;
    }

    public int lpid() {
        return lpid;
    }

    public void beforeLastInst(Runnable hook) {
        this.beforeLastInst = hook;
    }

    /** vcpu_load / vcpu setup: the hypervisor-state registers that make the core run this guest. */
    public void load(int vcpuId) {
        cpu.spr[LPIDR] = lpid;
        cpu.spr[EPCR] = SHADOW_EPCR;
        cpu.spr[MSRP] = SHADOW_MSRP;
        cpu.spr[EPLC] = EPC_EGS | (lpid << 16);
        cpu.spr[EPSC] = EPC_EGS | (lpid << 16);
        cpu.spr[GPIR] = vcpuId;
        cpu.msr |= Msr.GS;
        cpu.contextChanged();
    }

    /** Delivers queued interrupts and a due decrementer (KVM kvmppc_core_prepare_to_enter). */
    public void prepareToEnter() {
        if (machineCheckPending) {
            machineCheckPending = false;
            inject(Ivor.MACHINE_CHECK, 0, 0, 0);
        }
        if (programPending) {
            programPending = false;
            inject(Ivor.PROGRAM, programEsr, 0, Cpu.SET_ESR);
        }
        GuestTimer t = sprs.timer;
        if (t.running || t.decPending()) {
            t.update(cpu.timeBase.now());
            if (t.decPending() && (cpu.msr & Msr.EE) != 0) {
                stats.count("DECREMENTER");
                inject(Ivor.DECREMENTER, 0, 0, 0);
            }
        }
    }

    /** True if an interrupt could wake a waiting vCPU now. */
    public boolean wakeupPending() {
        GuestTimer t = sprs.timer;
        t.update(cpu.timeBase.now());
        return programPending || machineCheckPending || (t.decPending() && (cpu.msr & Msr.EE) != 0);
    }

    /** Time base of the next timer event that could wake the vCPU. */
    public long nextTimerEvent() {
        return (sprs.timer.tcr & TCR_DIE) != 0 ? sprs.timer.nextEvent() : Long.MAX_VALUE;
    }

    /**
     * Injects an interrupt into the guest (KVM kvmppc_booke_irqprio_deliver): guest SRR0/1 (GSRR), ESR/DEAR copies,
     * base-class MSR masking with GS kept, and the vector from the guest's IVPR/IVORn.
     */
    public void inject(int ivor, int esr, int dear, int flags) {
        // the save/restore pair of the interrupt's class: MCSRR for machine check, CSRR for critical and
        // watchdog (both emulated, since their SPRs trap), GSRR (hardware) for the base class
        if (ivor == Ivor.MACHINE_CHECK) {
            sprs.vspr[MCSRR0] = cpu.pc;
            sprs.vspr[MCSRR1] = cpu.msr & ~Msr.GS;
        } else if (ivor == Ivor.CRITICAL || ivor == Ivor.WATCHDOG) {
            sprs.vspr[CSRR0] = cpu.pc;
            sprs.vspr[CSRR1] = cpu.msr & ~Msr.GS;
        } else {
            cpu.spr[GSRR0] = cpu.pc;
            cpu.spr[GSRR1] = (cpu.msr & ~Msr.GS) | (ivor == Ivor.PROGRAM ? programReasonBits(esr) : 0);
        }
        if ((flags & Cpu.SET_ESR) != 0) {
            cpu.spr[GESR] = esr;
        }
        if ((flags & Cpu.SET_DEAR) != 0) {
            cpu.spr[GDEAR] = dear;
        }
        int keep = ivor == Ivor.MACHINE_CHECK ? Msr.CE | Msr.DE
                : ivor == Ivor.CRITICAL || ivor == Ivor.WATCHDOG ? Msr.ME : Msr.KEEP_ON_INTERRUPT;
        cpu.msr = (cpu.msr & keep) | Msr.GS;
        cpu.pc = sprs.vector(ivor);
        cpu.halted = false;
        cpu.reservation = false;
        cpu.contextChanged();
    }

    /**
     * QEMU (powerpc_excp_booke) also ORs the classic program-interrupt reason into SRR1: 0x80000 illegal, 0x40000
     * privileged, 0x20000 trap. The e500mc does not, but guests print what QEMU shows, so the reference wins.
     */
    static int programReasonBits(int esr) {
        if ((esr & Esr.PIL) != 0) {
            return 0x0008_0000;
        }
        if ((esr & Esr.PPR) != 0) {
            return 0x0004_0000;
        }
        return (esr & Esr.PTR) != 0 ? 0x0002_0000 : 0;
    }

    /** Queues a program interrupt for the next entry (kvmppc_core_queue_program). */
    public void queueProgram(int esr) {
        programPending = true;
        programEsr = esr;
    }

    /**
     * Handles an interrupt directed to the hypervisor. Returns null to resume the guest, or the exit for the
     * framework. cpu.pc is the interrupted PC (SRR0); cpu.msr the guest's MSR (SRR1).
     */
    public Exit handleExit(int ivor) {
        stats.count(ivor);
        int lastInst = LastInstLoader.INST_FETCH_FAILED;
        if (ivor == Ivor.DATA_STORAGE || ivor == Ivor.DTLB_MISS || ivor == Ivor.HV_PRIV) {
            if (beforeLastInst != null) {
                beforeLastInst.run();
            }
            EmulationResult r = loader.load(cpu, lpid, scratch);
            if (r == EmulationResult.AGAIN) {
                stats.count("EMULATE_AGAIN");
                return null;
            }
            if (r == EmulationResult.FAIL) {
                // KVM kvmppc_resume_inst_load: program interrupt queued, exit to the host with the reason
                queueProgram(Esr.PIL);
                stats.count("INST_LOAD_FAIL");
                return new PpcExit("INST_LOAD_FAIL", ivor, cpu.spr[ESR], cpu.spr[DEAR], lastInst);
            }
            lastInst = scratch[0];
        }
        return switch (ivor) {
            case Ivor.HV_PRIV -> hvPriv(lastInst);
            case Ivor.DTLB_MISS -> dataTlbMiss(lastInst);
            case Ivor.ITLB_MISS -> instructionTlbMiss();
            case Ivor.DATA_STORAGE -> {
                inject(Ivor.DATA_STORAGE, cpu.spr[ESR], cpu.spr[DEAR], Cpu.SET_ESR | Cpu.SET_DEAR);
                yield null;
            }
            case Ivor.INST_STORAGE -> {
                inject(Ivor.INST_STORAGE, cpu.spr[ESR], 0, Cpu.SET_ESR);
                yield null;
            }
            case Ivor.PROGRAM, Ivor.ALIGNMENT, Ivor.FP_UNAVAIL, Ivor.AP_UNAVAIL -> {
                // reflected to the guest with the hardware's syndrome (KVM: "Program traps generated by
                // user-level software must be handled by the guest kernel"; FP/AP unavailable become program)
                if (ivor == Ivor.PROGRAM || ivor == Ivor.ALIGNMENT) {
                    inject(ivor, cpu.spr[ESR], cpu.spr[DEAR], Cpu.SET_ESR | (ivor == Ivor.ALIGNMENT ? Cpu.SET_DEAR : 0));
                } else {
                    inject(Ivor.PROGRAM, Esr.PIL, 0, Cpu.SET_ESR);
                }
                yield null;
            }
            case Ivor.HV_SYSCALL -> new PpcExit("HV_SYSCALL", ivor, 0, 0, LastInstLoader.INST_FETCH_FAILED);
            case Ivor.MACHINE_CHECK -> new Exit.Failure("machine check at PC 0x" + Integer.toHexString(cpu.pc)
                    + " (access to 0x" + Integer.toHexString(cpu.spr[DEAR]) + " outside RAM and devices)");
            default -> new Exit.Failure("unexpected hypervisor interrupt " + Ivor.name(ivor) + " at PC 0x"
                    + Integer.toHexString(cpu.pc));
        };
    }

    private Exit hvPriv(int inst) {
        EmulationResult r = emulator.emulate(cpu, inst);
        return switch (r) {
            case DONE -> null;
            case EXIT_USER -> {
                cpu.pc += 4;
                yield new PpcExit("DEBUG", Ivor.HV_PRIV, 0, 0, inst);
            }
            default -> emulationFailed(Ivor.HV_PRIV, inst);
        };
    }

    private Exit emulationFailed(int ivor, int inst) {
        queueProgram(Esr.PIL);
        stats.count("EMULATION_FAIL");
        return new PpcExit("EMULATION_FAIL", ivor, cpu.spr[ESR], cpu.spr[DEAR], inst);
    }

    private Exit dataTlbMiss(int inst) {
        int ea = cpu.spr[DEAR];
        int guestMsr = cpu.spr[SRR1];
        int as = (guestMsr & Msr.DS) != 0 ? 1 : 0;
        int gidx = guestTlb.lookup(ea, as, cpu.spr[PID]);
        boolean store = (cpu.spr[ESR] & Esr.ST) != 0;
        if (gidx < 0) {
            stats.count("GUEST_DTLB_MISS");
            guestTlb.deliverMissMas(cpu, ea, as);
            inject(Ivor.DTLB_MISS, cpu.spr[ESR], ea, Cpu.SET_ESR | Cpu.SET_DEAR);
            return null;
        }
        long gpa = guestTlb.entries().realAddress(gidx, ea);
        int need = DataAccess.permission(store ? DataAccess.WRITE : DataAccess.READ, (guestMsr & Msr.PR) != 0);
        if ((guestTlb.entries().mas3[gidx] & need) == 0) {
            inject(Ivor.DATA_STORAGE, cpu.spr[ESR], ea, Cpu.SET_ESR | Cpu.SET_DEAR);
            return null;
        }
        if (memory.isRam(gpa)) {
            shadow.map(guestTlb.entries(), gidx, ea);
            return null;
        }
        Exit.Mmio e = mmio.emulate(cpu, inst, gpa, ea);
        if (e == null) {
            return emulationFailed(Ivor.DTLB_MISS, inst);
        }
        if (!deviceAt.test(gpa)) {
            // unassigned physical address: reads as 0, writes are dropped (QEMU's unassigned memory)
            stats.count("MMIO_UNASSIGNED");
            mmio.complete(cpu, 0);
            return null;
        }
        stats.count("MMIO");
        return e;
    }

    private Exit instructionTlbMiss() {
        int ea = cpu.pc;
        int as = (cpu.spr[SRR1] & Msr.IS) != 0 ? 1 : 0;
        int gidx = guestTlb.lookup(ea, as, cpu.spr[PID]);
        if (gidx < 0) {
            stats.count("GUEST_ITLB_MISS");
            guestTlb.deliverMissMas(cpu, ea, as);
            inject(Ivor.ITLB_MISS, 0, 0, 0);
            return null;
        }
        long gpa = guestTlb.entries().realAddress(gidx, ea);
        if (memory.isRam(gpa)) {
            shadow.map(guestTlb.entries(), gidx, ea);
            return null;
        }
        // The guest mapped and executes something that is not RAM: KVM queues a machine check.
        stats.count("ITLB_NOT_RAM");
        inject(Ivor.MACHINE_CHECK, 0, 0, 0);
        return null;
    }

    /** Completes an MMIO read reported by the last exit. */
    public void completeMmioRead(long value) {
        mmio.complete(cpu, value);
    }

    /** Queued interrupts, the decrementer and a pending MMIO read, for the vCPU snapshot. */
    public void exportPending(StateSnapshot.Builder b) {
        GuestTimer t = sprs.timer;
        t.update(cpu.timeBase.now());
        b.flag("pending.program", programPending).value("pending.programEsr", programEsr & 0xFFFF_FFFFL)
                .flag("pending.machineCheck", machineCheckPending)
                .value("dec.tcr", t.tcr & 0xFFFF_FFFFL).value("dec.tsr", t.tsr & 0xFFFF_FFFFL)
                .value("dec.decar", t.decar & 0xFFFF_FFFFL).value("dec.base", t.base).value("dec.loaded", t.loaded)
                .flag("dec.running", t.running);
    }

    public void importPending(StateSnapshot s) {
        programPending = s.value("pending.program") != 0;
        programEsr = (int) s.value("pending.programEsr");
        machineCheckPending = s.value("pending.machineCheck") != 0;
        GuestTimer t = sprs.timer;
        t.tcr = (int) s.value("dec.tcr");
        t.tsr = (int) s.value("dec.tsr");
        t.decar = (int) s.value("dec.decar");
        t.base = s.value("dec.base");
        t.loaded = s.value("dec.loaded");
        t.running = s.value("dec.running") != 0;
    }

    public void setLoader(LastInstLoader loader) {
        this.loader = loader;
    }
}
