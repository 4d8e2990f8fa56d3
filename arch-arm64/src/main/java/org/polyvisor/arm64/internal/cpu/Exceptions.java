package org.polyvisor.arm64.internal.cpu;

/**
 * Exception entry and return for EL1 (the guest kernel) and exception entry to the modelled EL2 (the hypervisor).
 * Everything here is off the per-instruction path.
 */
public final class Exceptions {
    private Exceptions() {
    }

    /**
     * Takes a synchronous exception to EL1: ESR/ELR/SPSR/FAR, PSTATE to EL1h with DAIF masked, PC to the vector.
     *
     * @param preferredReturn the address ELR_EL1 gets (the faulting instruction, or the next one for SVC)
     */
    public static void takeSync(Cpu c, int ec, int iss, long far, long preferredReturn) {
        c.sys[c.iEsr1] = Esr.of(ec, iss);
        if (ec == Ec.DABT_CUR || ec == Ec.DABT_LOW || ec == Ec.IABT_CUR || ec == Ec.IABT_LOW || ec == Ec.PC_ALIGN) {
            c.sys[c.iFar1] = far;
        }
        enterEl1(c, preferredReturn, 0);
    }

    /** Common part of exception entry; {@code kind} 0 sync, 1 IRQ, 2 FIQ, 3 SError. */
    static void enterEl1(Cpu c, long preferredReturn, int kind) {
        long vectorBase;
        if (c.el == 0) {
            vectorBase = 0x400;
        } else {
            vectorBase = c.spSel ? 0x200 : 0;
        }
        c.sys[c.iSpsr1] = c.pstate();
        c.sys[c.iElr1] = preferredReturn;
        c.setElSp(1, true);
        c.daif = Cpu.DAIF_MASK;
        c.ss = false;
        c.il = false;
        c.pc = c.sys[c.iVbar] + vectorBase + 0x80L * kind;
    }

    /** Takes an IRQ to EL1 at an instruction boundary (the interrupted instruction has not started). */
    public static void takeIrq(Cpu c) {
        enterEl1(c, c.pc, 1);
    }

    /** The UNDEFINED instruction exception for the instruction at pc. */
    public static int undefined(Cpu c) {
        takeSync(c, Ec.UNKNOWN, 0, 0, c.pc);
        return Cpu.EXC;
    }

    /**
     * A synchronous exception taken to EL2 (the hypervisor layer): records ESR/FAR/HPFAR/ELR_EL2 as the hardware does
     * and halts the PE with {@link Halt#EL2_EXCEPTION}. The vCPU's PC is set to {@code resumePc}, where the guest
     * continues if the hypervisor simply resumes.
     */
    public static void toEl2(Cpu c, int ec, int iss, long far, long hpfar, long resumePc) {
        c.sys[c.iEsr2] = Esr.of(ec, iss);
        c.sys[c.iFar2] = far;
        c.sys[c.iHpfar2] = hpfar;
        c.sys[c.iElr2] = resumePc;
        c.pc = resumePc;
        c.halt = Halt.EL2_EXCEPTION;
    }

    /** ERET from EL1; an illegal return (to EL2/EL3, AArch32 or a reserved mode) sets PSTATE.IL instead. */
    public static int eret(Cpu c) {
        if (c.el == 0) {
            return undefined(c);
        }
        long spsr = c.sys[c.iSpsr1];
        long target = c.sys[c.iElr1];
        int m = (int) spsr & 0x1F;
        int targetEl = (m >>> 2) & 3;
        boolean illegal = (m & 0x10) != 0 || targetEl > c.el || (m & 2) != 0 || (targetEl == 0 && (m & 1) != 0);
        if (illegal) {
            c.setNzcv((int) (spsr >>> 28) & 0xF);
            c.daif = (int) spsr & Cpu.DAIF_MASK;
            c.il = true;
        } else {
            c.setPstate(spsr);
        }
        c.exclAddr = -1;
        c.pc = target;
        return Cpu.JUMP;
    }

}
