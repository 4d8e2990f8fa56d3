package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.*;

import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.decode.Decoder;
import org.polyvisor.ppc.internal.decode.Op;
import org.polyvisor.ppc.internal.exec.Cpu;

/**
 * Emulates the instructions that raise the hypervisor privilege interrupt in guest state (KVM
 * kvmppc_emulate_instruction, kvmppc_booke_emulate_op, kvmppc_core_emulate_op_e500): guest TLB management, the
 * trapped SPR moves, rfci/rfmci, doorbells and ehpriv. The instruction comes from the last-instruction loader,
 * never from a direct read of guest memory.
 */
public final class InstructionEmulator {
    /** ehpriv OC that KVM reserves for debugging (EHPRIV_OC_DEBUG): exit to the host. */
    public static final int EHPRIV_OC_DEBUG = 1;

    private final GuestTlb guestTlb;
    private final SprEmulator sprs;

    public InstructionEmulator(GuestTlb guestTlb, SprEmulator sprs) {
        this.guestTlb = guestTlb;
        this.sprs = sprs;
    }

    /** Emulates inst at cpu.pc; on DONE the PC has been advanced (or set, for returns). */
    public EmulationResult emulate(Cpu cpu, int inst) {
        int op = Decoder.decode(inst);
        int rt = (inst >>> 21) & 31;
        int ra = (inst >>> 16) & 31;
        int ea = (ra == 0 ? 0 : cpu.gpr[ra]) + cpu.gpr[(inst >>> 11) & 31];
        int spr = ((inst >>> 16) & 31) | ((inst >>> 6) & 0x3E0);
        switch (op) {
            case Op.TLBWE -> guestTlb.tlbwe(cpu);
            case Op.TLBRE -> guestTlb.tlbre(cpu);
            case Op.TLBSX -> guestTlb.tlbsx(cpu, ea);
            case Op.TLBIVAX -> guestTlb.tlbivax(ea);
            case Op.TLBILX -> guestTlb.tlbilx(cpu, (inst >>> 21) & 3, ea);
            case Op.TLBSYNC, Op.MSGSND, Op.MSGCLR -> {
                // one vCPU per partition: nothing to synchronise with, no doorbells to send
            }
            case Op.MFSPR -> {
                long v = sprs.mfspr(cpu, spr);
                if (v == SprEmulator.NOT_EMULATED) {
                    return EmulationResult.FAIL;
                }
                cpu.gpr[rt] = (int) v;
            }
            case Op.MTSPR -> {
                if (!sprs.mtspr(cpu, spr, cpu.gpr[rt])) {
                    return EmulationResult.FAIL;
                }
            }
            case Op.RFCI, Op.RFMCI -> {
                int s0 = op == Op.RFCI ? CSRR0 : MCSRR0;
                cpu.pc = sprs.vspr[s0] & ~3;
                int msrp = cpu.spr[MSRP] & (Msr.UCLE | Msr.DE | Msr.PMM);
                int old = cpu.msr;
                cpu.msr = (sprs.vspr[s0 + 1] & Msr.IMPLEMENTED & ~msrp & ~Msr.GS) | (old & msrp) | Msr.GS;
                cpu.contextChanged();
                return EmulationResult.DONE;
            }
            case Op.EHPRIV -> {
                return ((inst >>> 11) & 0x7FFF) == EHPRIV_OC_DEBUG ? EmulationResult.EXIT_USER : EmulationResult.FAIL;
            }
            default -> {
                return EmulationResult.FAIL;
            }
        }
        cpu.pc += 4;
        return EmulationResult.DONE;
    }
}
