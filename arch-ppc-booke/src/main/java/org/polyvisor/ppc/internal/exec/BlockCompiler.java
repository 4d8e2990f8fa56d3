package org.polyvisor.ppc.internal.exec;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;
import static org.polyvisor.ppc.internal.decode.Op.*;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Translates a run of guest instructions into a hidden class whose {@code run} calls the same semantic methods as
 * the interpreter with the instruction word as a constant, so the JIT inlines them and folds the field extraction:
 * fetch, decode and dispatch disappear from the hot path. A block ends at a branch or any instruction that changes
 * control or translation context, at the end of its 4 KiB page, or after {@link #MAX} instructions. PC is stored
 * only before instructions that can read it (faults, branches, system instructions); after each instruction that
 * can fault the block returns if the CPU asked to stop. Blocks belong to a decoded code page and die with it.
 */
public final class BlockCompiler {
    static final int MAX = 48;
    private static final ClassDesc CD_CPU = ClassDesc.of(Cpu.class.getName());
    private static final ClassDesc CD_BLOCK = ClassDesc.of(Block.class.getName());
    private static final MethodTypeDesc MTD_CPU_INT = MethodTypeDesc.of(CD_void, CD_CPU, CD_int);
    private static final MethodTypeDesc MTD_CPU_INT_INT = MethodTypeDesc.of(CD_void, CD_CPU, CD_int, CD_int);
    private static final MethodTypeDesc MTD_CPU_INT_BOOL = MethodTypeDesc.of(CD_void, CD_CPU, CD_int, CD_boolean);
    private static final ClassDesc ARITH = ClassDesc.of(IntArith.class.getName());
    private static final ClassDesc MULDIV = ClassDesc.of(MulDiv.class.getName());
    private static final ClassDesc LOGIC = ClassDesc.of(Logic.class.getName());
    private static final ClassDesc LS = ClassDesc.of(LoadStore.class.getName());
    private static final ClassDesc BRANCH = ClassDesc.of(Branch.class.getName());
    private static final ClassDesc INTERP = ClassDesc.of(Interpreter.class.getName());

    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    private long compiled;
    private long failures;

    public long failures() {
        return failures;
    }

    public long compiled() {
        return compiled;
    }

    /** Kind of an operation for block building. */
    private enum Kind {
        /** Register-only: cannot fault, does not read PC. */
        PURE,
        /** Continues sequentially but can fault or read PC. */
        MAY_STOP,
        /** Ends the block (control transfer, context change, trap to the hypervisor). */
        END
    }

    private static Kind kind(int op) {
        return switch (op) {
            case ADDI, ADDIS, ADDIC, ADDIC_, SUBFIC, ADD, ADDC, ADDE, ADDME, ADDZE, SUBF, SUBFC, SUBFE, SUBFME, SUBFZE,
                 NEG, CMPI, CMPLI, CMP, CMPL, MULLI, MULLW, MULHW, MULHWU, DIVW, DIVWU, ORI, ORIS, XORI, XORIS, ANDI_,
                 ANDIS_, AND, ANDC, OR, ORC, XOR, NAND, NOR, EQV, EXTSB, EXTSH, CNTLZW, SLW, SRW, SRAW, SRAWI, RLWIMI,
                 RLWINM, RLWNM, MCRF, CRAND, CROR, CRXOR, CRNAND, CRNOR, CREQV, CRANDC, CRORC, ISEL, MFCR, MTCRF,
                 MCRXR, NOP_SYNC, NOP_CACHE -> Kind.PURE;
            case LWZ, LWZU, LBZ, LBZU, LHZ, LHZU, LHA, LHAU, STW, STWU, STB, STBU, STH, STHU, LMW, STMW, LWZX, LWZUX,
                 LBZX, LBZUX, LHZX, LHZUX, LHAX, LHAUX, STWX, STWUX, STBX, STBUX, STHX, STHUX, LWBRX, LHBRX, STWBRX,
                 STHBRX, LWARX, STWCX_, LWEPX, STWEPX, LBEPX, STBEPX, DCBZ, MFSPR, MFMSR, MFTB, TW, TWI,
                 NOP_PRIV_CACHE -> Kind.MAY_STOP;
            default -> Kind.END;
        };
    }

    /** The static method implementing an operation with signature (Cpu, int), or null for the generic path. */
    private static String[] direct(int op) {
        return switch (op) {
            case ADDI -> m(ARITH, "addi");
            case ADDIS -> m(ARITH, "addis");
            case SUBFIC -> m(ARITH, "subfic");
            case ADD -> m(ARITH, "add");
            case ADDC -> m(ARITH, "addc");
            case ADDE -> m(ARITH, "adde");
            case ADDME -> m(ARITH, "addme");
            case ADDZE -> m(ARITH, "addze");
            case SUBF -> m(ARITH, "subf");
            case SUBFC -> m(ARITH, "subfc");
            case SUBFE -> m(ARITH, "subfe");
            case SUBFME -> m(ARITH, "subfme");
            case SUBFZE -> m(ARITH, "subfze");
            case NEG -> m(ARITH, "neg");
            case CMPI -> m(ARITH, "cmpi");
            case CMPLI -> m(ARITH, "cmpli");
            case CMP -> m(ARITH, "cmp");
            case CMPL -> m(ARITH, "cmpl");
            case TWI -> m(ARITH, "twi");
            case TW -> m(ARITH, "tw");
            case MULLI -> m(MULDIV, "mulli");
            case MULLW -> m(MULDIV, "mullw");
            case MULHW -> m(MULDIV, "mulhw");
            case MULHWU -> m(MULDIV, "mulhwu");
            case DIVW -> m(MULDIV, "divw");
            case DIVWU -> m(MULDIV, "divwu");
            case OR -> m(LOGIC, "or");
            case XOR -> m(LOGIC, "xor");
            case AND -> m(LOGIC, "and");
            case ORI -> m(LOGIC, "ori");
            case SRAW -> m(LOGIC, "sraw");
            case SRAWI -> m(LOGIC, "srawi");
            case RLWINM -> m(LOGIC, "rlwinm");
            case RLWNM -> m(LOGIC, "rlwnm");
            case RLWIMI -> m(LOGIC, "rlwimi");
            case LWZ -> m(LS, "lwz");
            case LBZ -> m(LS, "lbz");
            case STW -> m(LS, "stw");
            case LBZU -> m(LS, "lbzu");
            case LWZU -> m(LS, "lwzu");
            case LHZ -> m(LS, "lhz");
            case LWZX -> m(LS, "lwzx");
            case LBZX -> m(LS, "lbzx");
            case STB -> m(LS, "stb");
            case STH -> m(LS, "sth");
            case STWU -> m(LS, "stwu");
            case STWX -> m(LS, "stwx");
            case STBX -> m(LS, "stbx");
            case LMW -> m(LS, "lmw");
            case STMW -> m(LS, "stmw");
            case LWARX -> m(LS, "lwarx");
            case STWCX_ -> m(LS, "stwcx");
            case DCBZ -> m(LS, "dcbz");
            case B -> m(BRANCH, "b");
            case BC -> m(BRANCH, "bc");
            case BCLR -> m(BRANCH, "bclr");
            case BCCTR -> m(BRANCH, "bcctr");
            case MCRF -> m(BRANCH, "mcrf");
            case ISEL -> m(BRANCH, "isel");
            case MFCR -> m(BRANCH, "mfcr");
            case MTCRF -> m(BRANCH, "mtcrf");
            case MCRXR -> m(BRANCH, "mcrxr");
            default -> null;
        };
    }

    private static String[] m(ClassDesc owner, String name) {
        return new String[] {owner.descriptorString(), name};
    }

    /** Ops whose semantic method takes the op id as a third argument. */
    private static ClassDesc withOp(int op) {
        return switch (op) {
            case ORIS, XORI, XORIS, ANDI_, ANDIS_ -> LOGIC;
            case ANDC, ORC, NAND, NOR, EQV, EXTSB, EXTSH, CNTLZW, SLW, SRW -> LOGIC;
            case CRAND, CROR, CRXOR, CRNAND, CRNOR, CREQV, CRANDC, CRORC -> BRANCH;
            case LHZU, LHA, LHAU, STBU, STHU, LWZUX, LBZUX, LHZX, LHZUX, LHAX, LHAUX, STWUX, STBUX, STHX, STHUX, LWBRX,
                 LHBRX, STWBRX, STHBRX -> LS;
            default -> null;
        };
    }

    private static String withOpName(int op) {
        return switch (op) {
            case ORIS, XORI, XORIS, ANDI_, ANDIS_ -> "immediate";
            case ANDC, ORC, NAND, NOR, EQV, EXTSB, EXTSH, CNTLZW, SLW, SRW -> "register";
            case CRAND, CROR, CRXOR, CRNAND, CRNOR, CREQV, CRANDC, CRORC -> "crLogic";
            default -> "access";
        };
    }

    /**
     * Compiles the block starting at word index {@code start} of a decoded page (its first instruction is at
     * {@code pc}, for diagnostics); returns null if the class cannot be defined.
     */
    public Block compile(int pc, int[] words, int[] ops, byte[] lengths, int start) {
        int end = start;
        while (end < 1024 && end - start < MAX) {
            Kind k = kind(ops[end]);
            end++;
            if (k == Kind.END) {
                break;
            }
        }
        final int last = end;
        CodeCache.setLength(lengths, start, last - start);
        byte[] bytes = ClassFile.of().build(ClassDesc.of(Cpu.class.getPackageName() + ".GuestBlock"), cb -> {
            cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withInterfaceSymbols(CD_BLOCK);
            cb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC,
                    code -> code.aload(0).invokespecial(CD_Object, "<init>", MethodTypeDesc.of(CD_void)).return_());
            cb.withMethodBody("run", MethodTypeDesc.of(CD_int, CD_CPU), ClassFile.ACC_PUBLIC, code -> {
                // PCs are relative to the entry PC: the decoded page (and so the block) is shared by every
                // effective address that maps its real page
                code.aload(1).getfield(CD_CPU, "pc", CD_int).istore(2);
                for (int i = start; i < last; i++) {
                    int op = ops[i];
                    int w = words[i];
                    Kind k = kind(op);
                    if (k != Kind.PURE) {
                        code.aload(1).iload(2).ldc(4 * (i - start) + 4).iadd().putfield(CD_CPU, "pc", CD_int);
                    }
                    call(code, op, w);
                    int count = i - start + 1;
                    if (k == Kind.END) {
                        code.ldc(count).ireturn();
                        return;
                    }
                    if (k == Kind.MAY_STOP) {
                        Label next = code.newLabel();
                        code.aload(1).getfield(CD_CPU, "stop", CD_boolean).ifeq(next).ldc(count).ireturn()
                                .labelBinding(next);
                    }
                }
                code.aload(1).iload(2).ldc(4 * (last - start)).iadd().putfield(CD_CPU, "pc", CD_int);
                code.ldc(last - start).ireturn();
            });
        });
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClass(bytes, true);
            compiled++;
            return (Block) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable t) {
            // never a reason to stop the guest: the interpreter keeps running this code
            failures++;
            return null;
        }
    }

    private static void call(CodeBuilder code, int op, int w) {
        String[] d = direct(op);
        if (d != null) {
            code.aload(1).ldc(w).invokestatic(ClassDesc.ofDescriptor(d[0]), d[1], MTD_CPU_INT);
            return;
        }
        if (op == ADDIC || op == ADDIC_) {
            code.aload(1).ldc(w).iconst_0();
            if (op == ADDIC_) {
                code.pop().iconst_1();
            }
            code.invokestatic(ARITH, "addic", MTD_CPU_INT_BOOL);
            return;
        }
        ClassDesc owner = withOp(op);
        if (owner != null) {
            code.aload(1).ldc(w).ldc(op).invokestatic(owner, withOpName(op), MTD_CPU_INT_INT);
            return;
        }
        if (op == NOP_SYNC || op == NOP_CACHE) {
            return;
        }
        code.aload(1).ldc(w).invokestatic(INTERP, "execute", MTD_CPU_INT);
    }
}
