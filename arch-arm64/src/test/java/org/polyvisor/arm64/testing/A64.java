package org.polyvisor.arm64.testing;

import java.util.ArrayList;
import java.util.List;

import org.polyvisor.arm64.internal.cpu.sysreg.SysRegFile;
import org.polyvisor.arm64.spi.SysReg;

/** A tiny A64 assembler for tests that write guest code directly (encodings from the Arm ARM / Linux sysreg.h). */
public final class A64 {
    private final List<Integer> words = new ArrayList<>();
    private final SysRegFile regs = SysRegFile.cortexA57();

    public A64 word(int w) {
        words.add(w);
        return this;
    }

    /** x[d] = value with MOVZ + 3 MOVK. */
    public A64 mov(int d, long value) {
        word(0xD280_0000 | (int) ((value & 0xFFFF) << 5) | d);
        for (int hw = 1; hw < 4; hw++) {
            word(0xF280_0000 | (hw << 21) | (int) (((value >>> (16 * hw)) & 0xFFFF) << 5) | d);
        }
        return this;
    }

    private int sys(String name) {
        SysReg r = regs.get(regs.index(name));
        return (r.op0() << 19) | (r.op1() << 16) | (r.crn() << 12) | (r.crm() << 8) | (r.op2() << 5);
    }

    public A64 msr(String name, int t) {
        return word(0xD500_0000 | sys(name) | t);
    }

    public A64 mrs(int t, String name) {
        return word(0xD520_0000 | sys(name) | t);
    }

    public A64 daifSet(int imm) {
        return word(0xD503_40DF | (imm << 8));
    }

    public A64 daifClr(int imm) {
        return word(0xD503_40FF | (imm << 8));
    }

    public A64 movSp(int n) {
        return word(0x9100_0000 | (n << 5) | 31);
    }

    public A64 hvc() {
        return word(0xD400_0002);
    }

    public A64 smc() {
        return word(0xD400_0003);
    }

    public A64 wfi() {
        return word(0xD503_207F);
    }

    public A64 branchSelf() {
        return word(0x1400_0000);
    }

    public A64 ldrW(int t, int n) {
        return word(0xB940_0000 | (n << 5) | t);
    }

    public A64 strW(int t, int n) {
        return word(0xB900_0000 | (n << 5) | t);
    }

    public A64 strX(int t, int n) {
        return word(0xF900_0000 | (n << 5) | t);
    }

    /** LDP Wt1, Wt2, [Xn]: no valid syndrome on a device (ISV = 0). */
    public A64 ldpW(int t1, int t2, int n) {
        return word(0x2940_0000 | (t2 << 10) | (n << 5) | t1);
    }

    public int size() {
        return words.size();
    }

    public int[] code() {
        return words.stream().mapToInt(Integer::intValue).toArray();
    }
}
