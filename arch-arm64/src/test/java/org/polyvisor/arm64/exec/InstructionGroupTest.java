package org.polyvisor.arm64.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.testing.CpuHarness;
import org.polyvisor.spi.Exit;

/** Golden register results per instruction group (words assembled with GNU as; the text is in the comments). */
class InstructionGroupTest {
    /** DATA_IMM */
    private static final int[] DATA_IMM = {
        0xd2a24680, // mov x0, #0x12340000
        0xf29579a0, // movk x0, #0xabcd
        0x91000401, // add x1, x0, #0x1
        0xeb010022, // subs x2, x1, x1
        0x12800003, // mov w3, #0xffffffff
        0x31000464, // adds w4, w3, #0x1
        0xd4000002, // hvc #0x0
    };
    /** LOGIC */
    private static final int[] LOGIC = {
        0x92800000, // mov x0, #0xffffffffffffffff
        0x12001c01, // and w1, w0, #0xff
        0xd3442c02, // ubfx x2, x0, #4, #8
        0x93df1003, // extr x3, x0, xzr, #4
        0xd281e1e5, // mov x5, #0xf0f
        0x5ac000a6, // rbit w6, w5
        0xdac010a7, // clz x7, x5
        0x93482ca8, // sbfx x8, x5, #8, #4
        0xd4000002, // hvc #0x0
    };
    /** MULDIV */
    private static final int[] MULDIV = {
        0xd28000e0, // mov x0, #0x7
        0xd2800061, // mov x1, #0x3
        0x9ac10802, // udiv x2, x0, x1
        0x9b018043, // msub x3, x2, x1, x0
        0x92800005, // mov x5, #0xffffffffffffffff
        0x9bc57ca4, // umulh x4, x5, x5
        0x9b457ca6, // smulh x6, x5, x5
        0x9adf0ca7, // sdiv x7, x5, xzr
        0xd4000002, // hvc #0x0
    };
    /** BRANCH */
    private static final int[] BRANCH = {
        0xd2800000, // mov x0, #0x0
        0xb4000040, // cbz x0, 10 <_start+0x10>... (skips the next instruction)
        0xd2800020, // mov x0, #0x1
        0xb27e0000, // orr x0, x0, #0x4
        0x37100040, // tbnz w0, #2, 1c (skips the next instruction)
        0x91019000, // add x0, x0, #0x64
        0x91000800, // add x0, x0, #0x2
        0x94000002, // bl 28
        0xd4000002, // hvc #0x0
        0xaa1e03e9, // mov x9, x30
        0xd65f03c0, // ret
    };
    /** LOADSTORE */
    private static final int[] LOADSTORE = {
        0xd2a80000, // mov x0, #0x40000000
        0x91200000, // add x0, x0, #0x800
        0xd2901021, // mov x1, #0x8081
        0xf2b05061, // movk x1, #0x8283, lsl #16
        0xa9bf0401, // stp x1, x1, [x0, #-16]!
        0x39800402, // ldrsb x2, [x0, #1]
        0x79400403, // ldrh w3, [x0, #2]
        0xb8404404, // ldr w4, [x0], #4
        0xc85f7c05, // ldxr x5, [x0]
        0xc8067c05, // stxr w6, x5, [x0]
        0xc8077c05, // stxr w7, x5, [x0]
        0xd4000002, // hvc #0x0
    };
    /** SYSTEM */
    private static final int[] SYSTEM = {
        0xd5380000, // mrs x0, midr_el1
        0xd50342ff, // msr daifclr, #0x2
        0xd53b4221, // mrs x1, daif
        0xd5380702, // mrs x2, id_aa64mmfr0_el1
        0xd5384243, // mrs x3, currentel
        0xd2a40004, // mov x4, #0x20000000
        0xd51b4204, // msr nzcv, x4
        0xd53b4205, // mrs x5, nzcv
        0xd4000002, // hvc #0x0
    };

    private static void assertHvc(Exit e) {
        assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, e).exitClass());
    }

    @Test
    void dataProcessingImmediate() {
        try (CpuHarness h = new CpuHarness()) {
            assertHvc(h.run(DATA_IMM));
            assertEquals(0x1234abcdL, h.x(0));
            assertEquals(0x1234abceL, h.x(1));
            assertEquals(0, h.x(2));
            assertEquals(0xffffffffL, h.x(3));
            assertEquals(0, h.x(4));
            assertEquals(0b0110, h.cpu.nzcv(), "adds w: Z and C set");
        }
    }

    @Test
    void logicalAndBitfield() {
        try (CpuHarness h = new CpuHarness()) {
            assertHvc(h.run(LOGIC));
            assertEquals(-1L, h.x(0));
            assertEquals(0xff, h.x(1));
            assertEquals(0xff, h.x(2));
            assertEquals(0xf000000000000000L, h.x(3));
            assertEquals(0xf0f00000L, h.x(6));
            assertEquals(52, h.x(7));
            assertEquals(-1L, h.x(8), "sbfx of 0xf sign-extends");
        }
    }

    @Test
    void multiplyDivide() {
        try (CpuHarness h = new CpuHarness()) {
            assertHvc(h.run(MULDIV));
            assertEquals(2, h.x(2));
            assertEquals(1, h.x(3));
            assertEquals(-2L, h.x(4), "umulh(-1,-1) = 2^64-2");
            assertEquals(0, h.x(6), "smulh(-1,-1) = 0");
            assertEquals(0, h.x(7), "division by zero gives zero");
        }
    }

    @Test
    void branches() {
        try (CpuHarness h = new CpuHarness()) {
            assertHvc(h.run(BRANCH));
            assertEquals(6, h.x(0));
            assertEquals(CpuHarness.RAM + 0x20, h.x(9), "BL wrote the return address");
            assertEquals(CpuHarness.RAM + 0x24, h.cpu.pc, "HVC resumes after itself");
        }
    }

    @Test
    void loadsStoresExclusives() {
        try (CpuHarness h = new CpuHarness()) {
            assertHvc(h.run(LOADSTORE));
            assertEquals(CpuHarness.RAM + 0x800 - 16 + 4, h.x(0), "pre-index then post-index writeback");
            assertEquals(0xffffffffffffff80L, h.x(2), "ldrsb of 0x80");
            assertEquals(0x8283, h.x(3));
            assertEquals(0x82838081L, h.x(4));
            assertEquals(0, h.x(6), "first store-exclusive succeeds");
            assertEquals(1, h.x(7), "second store-exclusive fails: monitor cleared");
        }
    }

    @Test
    void systemRegistersAndPstate() {
        try (CpuHarness h = new CpuHarness()) {
            // TID3 traps ID registers to EL2: the bare CPU reports the trap; the vCPU layer emulates it (GuestSuiteTest)
            h.cpu.sys[h.cpu.regs.index("HCR_EL2")] &= ~(1L << 18);
            assertHvc(h.run(SYSTEM));
            assertEquals(0x411fd070L, h.x(0));
            assertEquals(0x340, h.x(1), "DAIFClr #2 unmasked IRQ");
            assertEquals(0x1124, h.x(2));
            assertEquals(4, h.x(3), "EL1");
            assertEquals(0x20000000L, h.x(5));
        }
    }

    @Test
    void trappedIdRegisterExitsToEl2() {
        try (CpuHarness h = new CpuHarness()) {
            Exit e = h.run(SYSTEM);
            Arm64Exit a = assertInstanceOf(Arm64Exit.class, e);
            assertEquals("SYS64", a.exitClass());
            assertEquals(0x18, a.esr() >>> 26);
            assertEquals(CpuHarness.RAM + 12, h.cpu.pc, "PC at the trapped MRS");
        }
    }

    @Test
    void svcAndUndefTakeExceptionsToEl1Vectors() {
        try (CpuHarness h = new CpuHarness()) {
            long vbar = CpuHarness.RAM + 0x1000;
            h.cpu.sys[h.cpu.regs.index("VBAR_EL1")] = vbar;
            h.load(vbar + 0x200, 0xd4000002); // current EL with SP_ELx, synchronous: hvc #0
            h.run(0xd40000a1 /* svc #5 */);
            assertEquals(0x56000005L, h.cpu.sys[h.cpu.iEsr1]);
            assertEquals(CpuHarness.RAM + 4, h.cpu.sys[h.cpu.iElr1]);
            assertEquals(0x3c5L, h.cpu.sys[h.cpu.iSpsr1] & 0x3ff);
            h.cpu.daif = 0;
            h.run(0x00000000 /* udf #0 */);
            assertEquals(0x02000000L, h.cpu.sys[h.cpu.iEsr1]);
            assertEquals(CpuHarness.RAM, h.cpu.sys[h.cpu.iElr1]);
            assertEquals(0x3c0, h.cpu.daif, "exception entry masks DAIF");
        }
    }

    @Test
    void selfModifyingCodeRunsTheNewInstruction() {
        int[] code = {
            0xb9000022, // str w2, [x1]      x1 -> the mov below
            0xd50b7b21, // dc cvau, x1
            0xd5033b9f, // dsb ish
            0xd50b7521, // ic ivau, x1
            0xd5033b9f, // dsb ish
            0xd5033fdf, // isb
            0xd2800020, // mov x0, #1       <- patched to mov x0, #2
            0xd4000002, // hvc #0
        };
        try (CpuHarness h = new CpuHarness()) {
            h.load(CpuHarness.RAM, code);
            h.cpu.pc = CpuHarness.RAM;
            h.cpu.x[1] = CpuHarness.RAM + 0x800; // first pass: store elsewhere, run the original
            assertHvc(h.runToExit());
            assertEquals(1, h.x(0));
            h.cpu.pc = CpuHarness.RAM;
            h.cpu.x[1] = CpuHarness.RAM + 0x18;
            h.cpu.x[2] = 0xd2800040; // mov x0, #2
            assertHvc(h.runToExit());
            assertEquals(2, h.x(0), "the store invalidated the decoded block holding the patched instruction");
        }
    }
}
