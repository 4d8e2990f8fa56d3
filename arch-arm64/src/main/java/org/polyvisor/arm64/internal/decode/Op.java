package org.polyvisor.arm64.internal.decode;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Handler ids: the interpreter switches on these. Several table entries may share one handler when the ARM ARM
 * describes them as one instruction class whose variants differ only in bits the handler reads itself.
 * Plain int constants (not an enum) so that the interpreter's switch is a single tableswitch.
 */
public final class Op {
    public static final int UNDEF = 0;
    public static final int NOP = 1;
    // data processing, immediate
    public static final int ADR = 2;
    public static final int ADRP = 3;
    public static final int ADD_IMM = 4;
    public static final int ADDS_IMM = 5;
    public static final int SUB_IMM = 6;
    public static final int SUBS_IMM = 7;
    public static final int LOGIC_IMM = 8;
    public static final int MOVN = 9;
    public static final int MOVZ = 10;
    public static final int MOVK = 11;
    public static final int SBFM = 12;
    public static final int BFM = 13;
    public static final int UBFM = 14;
    public static final int EXTR = 15;
    // data processing, register
    public static final int LOGIC_REG = 16;
    public static final int ADDSUB_SHIFT = 17;
    public static final int ADDSUB_EXT = 18;
    public static final int ADC = 19;
    public static final int CCMP_REG = 20;
    public static final int CCMP_IMM = 21;
    public static final int CSEL = 22;
    public static final int DIV = 23;
    public static final int SHIFTV = 24;
    public static final int DP1 = 25;
    public static final int MADD = 26;
    public static final int MADDL = 27;
    public static final int MULH = 28;
    public static final int CRC32 = 29;
    // branches
    public static final int B = 30;
    public static final int BL = 31;
    public static final int BCOND = 32;
    public static final int CBZ = 33;
    public static final int TBZ = 34;
    public static final int BR = 35;
    public static final int BLR = 36;
    public static final int ERET = 37;
    // exception generation and system
    public static final int SVC = 38;
    public static final int HVC = 39;
    public static final int SMC = 40;
    public static final int BRK = 41;
    public static final int HINT = 42;
    public static final int BARRIER = 43;
    public static final int CLREX = 44;
    public static final int MSR_IMM = 45;
    public static final int SYS = 46;
    public static final int MSR_REG = 47;
    public static final int MRS = 48;
    public static final int FP = 49;
    // loads and stores
    public static final int LDST_UIMM = 50;
    public static final int LDST_IMM9 = 51;
    public static final int LDST_REG = 52;
    public static final int LDR_LIT = 53;
    public static final int LDSTP = 54;
    public static final int STX = 55;
    public static final int LDX = 56;
    public static final int STXP = 57;
    public static final int LDXP = 58;
    public static final int STLR = 59;
    public static final int LDAR = 60;
    public static final int LDST_IMM9_WB = 61;
    public static final int ISB = 62;
    // Specialised single-register loads/stores (zero-extending loads and stores, by size) for the addressing modes
    // compilers use most; chosen by Specializer when a block is decoded. Other forms run through the generic ops.
    public static final int LD_UIMM_B = 63;
    public static final int LD_UIMM_H = 64;
    public static final int LD_UIMM_W = 65;
    public static final int LD_UIMM_X = 66;
    public static final int ST_UIMM_B = 67;
    public static final int ST_UIMM_H = 68;
    public static final int ST_UIMM_W = 69;
    public static final int ST_UIMM_X = 70;
    public static final int LD_WB_B = 71;
    public static final int LD_WB_H = 72;
    public static final int LD_WB_W = 73;
    public static final int LD_WB_X = 74;
    public static final int ST_WB_B = 75;
    public static final int ST_WB_H = 76;
    public static final int ST_WB_W = 77;
    public static final int ST_WB_X = 78;
    public static final int LD_REG_B = 79;
    public static final int LD_REG_H = 80;
    public static final int LD_REG_W = 81;
    public static final int LD_REG_X = 82;
    public static final int ST_REG_B = 83;
    public static final int ST_REG_H = 84;
    public static final int ST_REG_W = 85;
    public static final int ST_REG_X = 86;

    // Register-register logical and add/sub without shift, and logical immediates by opcode (Specializer).
    public static final int AND_RR = 87;
    public static final int ORR_RR = 88;
    public static final int EOR_RR = 89;
    public static final int ANDS_RR = 90;
    public static final int ADD_RR = 91;
    public static final int ADDS_RR = 92;
    public static final int SUB_RR = 93;
    public static final int SUBS_RR = 94;
    public static final int AND_I = 95;
    public static final int ORR_I = 96;
    public static final int EOR_I = 97;
    public static final int ANDS_I = 98;

    public static final int COUNT = 99;

    private static final String[] NAMES = new String[COUNT];

    static {
        for (Field f : Op.class.getFields()) {
            try {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && !f.getName().equals("COUNT")) {
                    NAMES[f.getInt(null)] = f.getName();
                }
            } catch (IllegalAccessException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private Op() {
    }

    public static String name(int op) {
        return op >= 0 && op < COUNT && NAMES[op] != null ? NAMES[op] : "op" + op;
    }
}
