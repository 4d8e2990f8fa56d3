package org.polyvisor.arm64.internal.decode;

/**
 * Picks a specialised handler for a decoded instruction where one exists, so that the hottest loads and stores run
 * through a handler with a single access size and no opcode switch. Purely an execution choice: the decode table
 * stays one entry per architectural encoding.
 */
public final class Specializer {
    private Specializer() {
    }

    public static int op(int op, int word) {
        switch (op) {
            case Op.LOGIC_IMM:
                return Op.AND_I + Bits.f(word, 30, 29);
            case Op.LOGIC_REG:
                // no shift and no inversion: the plain register form compilers emit most
                return Bits.f(word, 15, 10) == 0 && !Bits.bit(word, 21) ? Op.AND_RR + Bits.f(word, 30, 29) : op;
            case Op.ADDSUB_SHIFT:
                return Bits.f(word, 15, 10) == 0 ? Op.ADD_RR + Bits.f(word, 30, 29) : op;
            default:
                break;
        }
        int size = word >>> 30;
        int opc = Bits.f(word, 23, 22);
        if (opc > 1) {
            return op;
        }
        int base = switch (op) {
            case Op.LDST_UIMM -> Op.LD_UIMM_B;
            case Op.LDST_IMM9_WB -> Op.LD_WB_B;
            case Op.LDST_REG -> Op.LD_REG_B;
            default -> -1;
        };
        if (base < 0) {
            return op;
        }
        return base + (opc == 1 ? 0 : 4) + size;
    }
}
