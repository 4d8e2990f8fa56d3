package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.CSRR0;
import static org.polyvisor.ppc.internal.cpu.SprNum.CSRR1;
import static org.polyvisor.ppc.internal.cpu.SprNum.GDEAR;
import static org.polyvisor.ppc.internal.cpu.SprNum.GESR;
import static org.polyvisor.ppc.internal.cpu.SprNum.GSRR0;
import static org.polyvisor.ppc.internal.cpu.SprNum.GSRR1;
import static org.polyvisor.ppc.internal.cpu.SprNum.MCSRR0;
import static org.polyvisor.ppc.internal.cpu.SprNum.MCSRR1;
import static org.polyvisor.ppc.internal.cpu.SprNum.TCR_DIE;

import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.spi.StateSnapshot;

/**
 * Interrupts the hypervisor gives the guest (KVM booke.c): the queue of pending exceptions
 * ({@code kvmppc_booke_queue_irqprio}), their delivery on entry with a due decrementer
 * ({@code kvmppc_core_prepare_to_enter}), and the delivery itself ({@code kvmppc_booke_irqprio_deliver}).
 */
public final class GuestInterrupts {
    /**
     * The classic program-interrupt reason QEMU (powerpc_excp_booke) ORs into SRR1 (target/ppc/cpu.h SRR1_PROGILL,
     * SRR1_PROGPRIV, SRR1_PROGTRAP). The e500mc does not, but guests print what QEMU shows, so the reference wins.
     */
    static final int SRR1_PROGILL = 0x0008_0000, SRR1_PROGPRIV = 0x0004_0000, SRR1_PROGTRAP = 0x0002_0000;

    private final Cpu cpu;
    private final SprEmulator sprs;
    private final ExitStats stats;

    /** Interrupts queued for the guest (KVM pending_exceptions): delivered on the next entry. */
    private boolean programPending;
    private int programEsr;
    private boolean machineCheckPending;

    GuestInterrupts(Cpu cpu, SprEmulator sprs, ExitStats stats) {
        this.cpu = cpu;
        this.sprs = sprs;
        this.stats = stats;
    }

    /** Queues a program interrupt for the next entry (kvmppc_core_queue_program). */
    public void queueProgram(int esr) {
        programPending = true;
        programEsr = esr;
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

    static int programReasonBits(int esr) {
        if ((esr & Esr.PIL) != 0) {
            return SRR1_PROGILL;
        }
        if ((esr & Esr.PPR) != 0) {
            return SRR1_PROGPRIV;
        }
        return (esr & Esr.PTR) != 0 ? SRR1_PROGTRAP : 0;
    }

    /** Queued interrupts and the decrementer, for the vCPU snapshot. */
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
}
