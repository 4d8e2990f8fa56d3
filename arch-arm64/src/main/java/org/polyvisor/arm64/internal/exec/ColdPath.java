package org.polyvisor.arm64.internal.exec;

import static org.polyvisor.arm64.internal.cpu.Cpu.EXC;
import static org.polyvisor.arm64.internal.cpu.Cpu.NEXT;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.cpu.Exceptions;
import org.polyvisor.arm64.internal.decode.Op;
import org.polyvisor.arm64.internal.mmu.DataAccess;

/**
 * Handlers for instructions that are rare in hot loops (system, exclusives, exception generation, FP traps), kept
 * out of the interpreter loop so that the hot switch and its inlined handlers stay small. The PC is already stored.
 */
final class ColdPath {
    private ColdPath() {
    }

    static int exec(Core k, int op, int w, int rg, long imm) {
        Cpu c = k.cpu;
        DataAccess mem = k.mem;
        return switch (op) {
            case Op.ERET -> Exceptions.eret(c);
            case Op.LDX -> LoadStore.ldx(c, mem, w, rg);
            case Op.STX -> LoadStore.stx(c, mem, w, rg);
            case Op.LDXP -> LoadStore.ldxp(c, mem, w, rg);
            case Op.STXP -> LoadStore.stxp(c, mem, w, rg);
            case Op.LDAR -> LoadStore.ldar(c, mem, w, rg);
            case Op.STLR -> LoadStore.stlr(c, mem, w, rg);
            case Op.MRS -> SystemInsns.mrs(k, w, rg, imm);
            case Op.MSR_REG, Op.SYS -> SystemInsns.msr(k, w, rg, imm);
            case Op.MSR_IMM -> SystemInsns.msrImm(c, w);
            case Op.HINT -> SystemInsns.hint(c, w);
            case Op.CLREX -> {
                c.exclAddr = -1;
                yield NEXT;
            }
            case Op.SVC -> SystemInsns.svc(c, w);
            case Op.HVC -> SystemInsns.hvc(c, w);
            case Op.SMC -> SystemInsns.smc(c, w);
            case Op.BRK -> SystemInsns.brk(c, w);
            case Op.FP -> SystemInsns.fp(c);
            default -> {
                Exceptions.undefined(c);
                yield EXC;
            }
        };
    }
}
