package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.*;

import java.util.List;
import java.util.function.LongPredicate;

import org.polyvisor.memory.GuestMemory;
import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.mmu.DataAccess;
import org.polyvisor.spi.Exit;

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
    /** MSRP while the guest runs (KVM e500mc shadow_msrp): the guest cannot change UCLE, DE, PMM; each MSRP bit
     * sits at the MSR bit it protects. */
    public static final int SHADOW_MSRP = Msr.UCLE | Msr.DE | Msr.PMM;

    private final Cpu cpu;
    private final int lpid;
    private final GuestMemory memory;
    final ShadowTlb shadow;
    final GuestTlb guestTlb;
    final SprEmulator sprs;
    private final InstructionEmulator emulator;
    private final GuestInterrupts interrupts;
    final MmioEmulator mmio = new MmioEmulator();
    private LastInstLoader loader;
    private LoadFailurePolicy loadFailures = new LoadFailurePolicy(false);
    public final ExitStats stats = new ExitStats();
    private final int[] scratch = new int[1];
    /** SPRs contributed by feature bundles (org.polyvisor.ppc.spi); empty unless the machine was given tables. */
    private ContributedSprs contributed = new ContributedSprs(List.of(), 0);

    /** Whether a device claims a guest physical address (the VM's MMIO bus). */
    private LongPredicate deviceAt = a -> true;

    public void deviceMap(LongPredicate deviceAt) {
        this.deviceAt = deviceAt;
    }

    /** Test hook run after the exit and before the last-instruction load (forced eviction, racing TLB rewrite). */
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
        this.interrupts = new GuestInterrupts(cpu, sprs, stats);
    }

    /** The interrupts this hypervisor queues and delivers to the guest. */
    public GuestInterrupts interrupts() {
        return interrupts;
    }

    public GuestTlb guestTlb() {
        return guestTlb;
    }

    public SprEmulator sprs() {
        return sprs;
    }

    /** The feature SPRs of this vCPU; set by the machine before the vCPU runs. */
    public void contributedSprs(ContributedSprs sprs) {
        sprs.attach(cpu);
        this.contributed = sprs;
    }

    public ContributedSprs contributedSprs() {
        return contributed;
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

    /** What a failed last-instruction load answers ({@code lastinst.fail}); set by the machine before the vCPU runs. */
    public void loadFailurePolicy(LoadFailurePolicy policy) {
        this.loadFailures = policy;
    }

    public LoadFailurePolicy loadFailurePolicy() {
        return loadFailures;
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

    /**
     * Handles an interrupt directed to the hypervisor. Returns null to resume the guest, or the exit for the
     * framework. cpu.pc is the interrupted PC (SRR0); cpu.msr the guest's MSR (SRR1).
     */
    public Exit handleExit(int ivor) {
        stats.count(ivor);
        int lastInst = LastInstLoader.INST_FETCH_FAILED;
        if (ivor == Ivor.DATA_STORAGE || ivor == Ivor.DTLB_MISS || ivor == Ivor.HV_PRIV
                || ivor == Ivor.PROGRAM && claimsIllegal()) {
            if (beforeLastInst != null) {
                beforeLastInst.run();
            }
            InstLoad r = loader.load(cpu, lpid, scratch);
            if (r != InstLoad.LOADED) {
                return instLoadFailed(ivor, r);
            }
            loadFailures.loaded(cpu.pc);
            lastInst = scratch[0];
        }
        return switch (ivor) {
            case Ivor.HV_PRIV -> hvPriv(lastInst);
            case Ivor.DTLB_MISS -> dataTlbMiss(lastInst);
            case Ivor.ITLB_MISS -> instructionTlbMiss();
            case Ivor.DATA_STORAGE -> {
                interrupts.inject(Ivor.DATA_STORAGE, cpu.spr[ESR], cpu.spr[DEAR], Cpu.SET_ESR | Cpu.SET_DEAR);
                yield null;
            }
            case Ivor.INST_STORAGE -> {
                interrupts.inject(Ivor.INST_STORAGE, cpu.spr[ESR], 0, Cpu.SET_ESR);
                yield null;
            }
            case Ivor.PROGRAM, Ivor.ALIGNMENT, Ivor.FP_UNAVAIL, Ivor.AP_UNAVAIL -> {
                if (ivor == Ivor.PROGRAM && lastInst != LastInstLoader.INST_FETCH_FAILED && contributedSpr(lastInst)) {
                    yield null;
                }
                // reflected to the guest with the hardware's syndrome (KVM: "Program traps generated by
                // user-level software must be handled by the guest kernel"; FP/AP unavailable become program)
                if (ivor == Ivor.PROGRAM || ivor == Ivor.ALIGNMENT) {
                    interrupts.inject(ivor, cpu.spr[ESR], cpu.spr[DEAR], Cpu.SET_ESR | (ivor == Ivor.ALIGNMENT ? Cpu.SET_DEAR : 0));
                } else {
                    interrupts.inject(Ivor.PROGRAM, Esr.PIL, 0, Cpu.SET_ESR);
                }
                yield null;
            }
            case Ivor.HV_SYSCALL -> new PpcExit("HV_SYSCALL", ivor, 0, 0, LastInstLoader.INST_FETCH_FAILED, cpu.pc);
            case Ivor.MACHINE_CHECK -> new Exit.Failure("machine check at PC 0x" + Integer.toHexString(cpu.pc)
                    + " (access to 0x" + Integer.toHexString(cpu.spr[DEAR]) + " outside RAM and devices)");
            default -> new Exit.Failure("unexpected hypervisor interrupt " + Ivor.name(ivor) + " at PC 0x"
                    + Integer.toHexString(cpu.pc));
        };
    }

    /**
     * KVM kvmppc_resume_inst_load with the policy of {@code lastinst.fail}: AGAIN resumes the guest (it faults
     * again); FAIL queues a program interrupt and exits with hardware_exit_reason = (~0 << 32) | inst; a run of
     * AGAIN answers that does not end exits with nothing queued. The reason is counted either way.
     */
    private Exit instLoadFailed(int ivor, InstLoad why) {
        stats.count(why.counter());
        return switch (loadFailures.answer(why, cpu.pc)) {
            case AGAIN -> {
                stats.count("EMULATE_AGAIN");
                yield null;
            }
            case FAIL -> {
                interrupts.queueProgram(Esr.PIL);
                stats.count("INST_LOAD_FAIL");
                yield new PpcExit("INST_LOAD_FAIL", ivor, cpu.spr[ESR], cpu.spr[DEAR],
                        LastInstLoader.INST_FETCH_FAILED, cpu.pc, why.description(), 0);
            }
            case GIVE_UP -> {
                stats.count("EMULATE_AGAIN");
                stats.count("INST_LOAD_GAVE_UP");
                yield new PpcExit("INST_LOAD_FAIL", ivor, cpu.spr[ESR], cpu.spr[DEAR],
                        LastInstLoader.INST_FETCH_FAILED, cpu.pc, why.description(), LoadFailurePolicy.MAX_RETRIES);
            }
        };
    }

    /**
     * Whether a program interrupt may be a move of a contributed SPR, so the last instruction is loaded: only when
     * features contribute SPRs and the interrupt is an illegal instruction (the core's answer to an SPR number it does
     * not implement). KVM loads the last instruction of a program interrupt only when it may claim it as well (software
     * breakpoints, booke.c kvmppc_handle_exit); without contributions nothing changes.
     */
    private boolean claimsIllegal() {
        return !contributed.isEmpty() && (cpu.spr[ESR] & Esr.PIL) != 0;
    }

    /** mfspr/mtspr of a contributed SPR: emulated (true), or the program interrupt the access rules give. */
    private boolean contributedSpr(int inst) {
        return switch (contributed.emulate(inst)) {
            case NOT_CLAIMED -> false;
            case DONE -> {
                stats.count("SPR_CONTRIBUTED");
                yield true;
            }
            case DENIED -> {
                interrupts.inject(Ivor.PROGRAM, contributed.deniedEsr, 0, Cpu.SET_ESR);
                yield true;
            }
        };
    }

    private Exit hvPriv(int inst) {
        EmulationResult r = emulator.emulate(cpu, inst);
        return switch (r) {
            case DONE -> null;
            case EXIT_USER -> {
                cpu.pc += 4;
                yield new PpcExit("DEBUG", Ivor.HV_PRIV, 0, 0, inst, cpu.pc - 4);
            }
            default -> emulationFailed(Ivor.HV_PRIV, inst);
        };
    }

    private Exit emulationFailed(int ivor, int inst) {
        interrupts.queueProgram(Esr.PIL);
        stats.count("EMULATION_FAIL");
        return new PpcExit("EMULATION_FAIL", ivor, cpu.spr[ESR], cpu.spr[DEAR], inst, cpu.pc,
                "instruction not emulated", 0);
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
            interrupts.inject(Ivor.DTLB_MISS, cpu.spr[ESR], ea, Cpu.SET_ESR | Cpu.SET_DEAR);
            return null;
        }
        long gpa = guestTlb.entries().realAddress(gidx, ea);
        int need = DataAccess.permission(store ? DataAccess.WRITE : DataAccess.READ, (guestMsr & Msr.PR) != 0);
        if ((guestTlb.entries().mas3[gidx] & need) == 0) {
            interrupts.inject(Ivor.DATA_STORAGE, cpu.spr[ESR], ea, Cpu.SET_ESR | Cpu.SET_DEAR);
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
            interrupts.inject(Ivor.ITLB_MISS, 0, 0, 0);
            return null;
        }
        long gpa = guestTlb.entries().realAddress(gidx, ea);
        if (memory.isRam(gpa)) {
            shadow.map(guestTlb.entries(), gidx, ea);
            return null;
        }
        // The guest mapped and executes something that is not RAM: KVM queues a machine check.
        stats.count("ITLB_NOT_RAM");
        interrupts.inject(Ivor.MACHINE_CHECK, 0, 0, 0);
        return null;
    }

    /** Completes an MMIO read reported by the last exit. */
    public void completeMmioRead(long value) {
        mmio.complete(cpu, value);
    }

    public void setLoader(LastInstLoader loader) {
        this.loader = loader;
    }
}
