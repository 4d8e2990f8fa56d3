package org.polyvisor.ppc.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.ppc.internal.cpu.Esr;
import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Msr;
import org.polyvisor.ppc.internal.cpu.SprNum;
import org.polyvisor.ppc.internal.mmu.Mas;
import org.polyvisor.ppc.internal.mmu.TlbArray;

/**
 * Instruction groups against golden results (values, CR and XER exact), computed from the ISA and checked against
 * QEMU where the ISA leaves results undefined.
 */
class InstructionGroupTest {
    private final CpuHarness h = new CpuHarness();
    private final Cpu c = h.cpu;

    @AfterEach
    void close() {
        h.close();
    }

    private static int xo(int rt, int ra, int rb, int xo, boolean oe, boolean rc) {
        return 31 << 26 | rt << 21 | ra << 16 | rb << 11 | (oe ? 1 << 10 : 0) | xo << 1 | (rc ? 1 : 0);
    }

    private void regs(int a, int b) {
        c.gpr[4] = a;
        c.gpr[5] = b;
    }

    @Test
    void addoRecordSetsOverflowSummaryAndCr0() {
        regs(0x7FFF_FFFF, 1);
        assertEquals(Ivor.SYSCALL, h.run(xo(3, 4, 5, 266, true, true)));
        assertEquals(0x8000_0000, c.gpr[3]);
        assertEquals(0xC000_0000, c.xer); // SO | OV, no CA for add
        assertEquals(0x9, c.cr >>> 28); // LT | SO
    }

    @Test
    void addcAndAddeChainCarry() {
        regs(0xFFFF_FFFF, 1);
        h.run(xo(3, 4, 5, 10, false, false), xo(6, 5, 5, 138, false, true));
        assertEquals(0, c.gpr[3]);
        assertEquals(3, c.gpr[6]); // 1 + 1 + CA
        assertEquals(0, c.xer);
        assertEquals(0x4, c.cr >>> 28);
    }

    @Test
    void subfcCarryMeansNoBorrow() {
        regs(5, 3); // subfc r3,r4,r5 = r5 - r4 = -2, borrow -> CA = 0
        h.run(xo(3, 4, 5, 8, false, false));
        assertEquals(-2, c.gpr[3]);
        assertEquals(0, c.xer & 0x2000_0000);
        regs(3, 5);
        h.run(xo(3, 4, 5, 8, false, false));
        assertEquals(2, c.gpr[3]);
        assertEquals(0x2000_0000, c.xer);
    }

    @Test
    void negOfMinimumOverflows() {
        regs(0x8000_0000, 0);
        h.run(xo(3, 4, 0, 104, true, true));
        assertEquals(0x8000_0000, c.gpr[3]);
        assertEquals(0xC000_0000, c.xer);
    }

    @Test
    void divideByZeroGivesQemusResultAndOverflow() {
        regs(1234, 0);
        h.run(xo(3, 4, 5, 491, true, true));
        assertEquals(1234, c.gpr[3]);
        assertEquals(0xC000_0000, c.xer);
        assertEquals(0x5, c.cr >>> 28); // GT | SO
        regs(0x8000_0000, -1);
        c.xer = 0;
        h.run(xo(3, 4, 5, 491, true, false));
        assertEquals(0x8000_0000, c.gpr[3]);
        assertEquals(0xC000_0000, c.xer);
    }

    @Test
    void mulhwAndMullwo() {
        regs(0x8000_0000, 2);
        h.run(xo(3, 4, 5, 75, false, false), xo(6, 4, 5, 235, true, false), xo(7, 4, 5, 11, false, false));
        assertEquals(-1, c.gpr[3]);
        assertEquals(0, c.gpr[6]);
        assertEquals(1, c.gpr[7]);
        assertEquals(0xC000_0000, c.xer);
    }

    @Test
    void srawiSetsCarryOnlyForNegativeWithOnesShiftedOut() {
        c.gpr[4] = -5;
        h.run(31 << 26 | 4 << 21 | 3 << 16 | 1 << 11 | 824 << 1 | 1);
        assertEquals(-3, c.gpr[3]);
        assertEquals(0x2000_0000, c.xer);
        assertEquals(0x8, c.cr >>> 28);
        c.gpr[4] = -4;
        h.run(31 << 26 | 4 << 21 | 3 << 16 | 2 << 11 | 824 << 1);
        assertEquals(-1, c.gpr[3]);
        assertEquals(0, c.xer);
    }

    @Test
    void rotatesWithWrappingMasks() {
        c.gpr[4] = 0x1234_5678;
        c.gpr[3] = 0xFFFF_FFFF;
        // rlwinm r6,r4,4,28,3 (wrapping mask 0xF000000F); rlwimi r3,r4,8,8,15
        h.run(21 << 26 | 4 << 21 | 6 << 16 | 4 << 11 | 28 << 6 | 3 << 1, 20 << 26 | 4 << 21 | 3 << 16 | 8 << 11 | 8 << 6 | 15 << 1);
        assertEquals(0x2000_0001, c.gpr[6]);
        assertEquals(0xFF56_FFFF, c.gpr[3]);
    }

    @Test
    void compareAndIselAndCrLogic() {
        regs(-1, 1);
        // cmpw cr1,r4,r5 ; cmplw cr7,r4,r5 ; isel r3,r4,r5,4 (cr1 LT) ; crxor 0,4,29 (LT1 ^ GT7)
        h.run(31 << 26 | 1 << 23 | 4 << 16 | 5 << 11, 31 << 26 | 7 << 23 | 4 << 16 | 5 << 11 | 32 << 1,
                31 << 26 | 3 << 21 | 4 << 16 | 5 << 11 | 4 << 6 | 15 << 1, 19 << 26 | 0 << 21 | 4 << 16 | 29 << 11 | 193 << 1);
        assertEquals(0x0800_0004, c.cr & 0x0F00_000F);
        assertEquals(-1, c.gpr[3]);
        assertEquals(0, c.cr >>> 31); // 1 ^ 1
    }

    @Test
    void reservationPairAndMultiple() {
        c.gpr[4] = 0x8000;
        c.gpr[5] = 0;
        c.gpr[6] = 42;
        // lwarx r3,r4,r5 ; stwcx. r6,r4,r5 ; stwcx. r6,r4,r5 (fails: reservation gone)
        h.run(xo(3, 5, 4, 20, false, false), xo(6, 5, 4, 150, false, true));
        assertEquals(0x2, c.cr >>> 28);
        assertEquals(42, (int) h.memory.read(0x8000, 4, ByteOrder.BIG_ENDIAN));
        h.run(xo(6, 5, 4, 150, false, true));
        assertEquals(0x0, c.cr >>> 28);
        for (int i = 28; i < 32; i++) {
            c.gpr[i] = i * 0x0101_0101;
        }
        c.gpr[4] = 0x9000;
        // stmw r28,0(r4) ; lmw r24,0(r4)
        h.run(47 << 26 | 28 << 21 | 4 << 16, 46 << 26 | 24 << 21 | 4 << 16);
        assertEquals(28 * 0x0101_0101, c.gpr[24]);
        assertEquals(31 * 0x0101_0101, c.gpr[27]);
    }

    @Test
    void illegalInstructionRaisesProgramInterruptNotAnException() {
        assertEquals(Ivor.PROGRAM, h.run(0));
        assertEquals(Esr.PIL, c.spr[SprNum.ESR]);
        assertEquals(CpuHarness.CODE, c.spr[SprNum.SRR0]);
    }

    @Test
    void userModePrivilegedInstructionIsPpr() {
        c.msr = Msr.PR;
        assertEquals(Ivor.PROGRAM, h.run(0x7C0000A6)); // mfmsr
        assertEquals(Esr.PPR, c.spr[SprNum.ESR]);
    }

    @Test
    void guestStateRedirectsAndTraps() {
        c.spr[SprNum.LPIDR] = 1;
        c.spr[SprNum.EPCR] = SprNum.EPCR_DGTMI;
        c.tlb.write(TlbArray.TLB1_BASE + 1, 0x8000_0500, 0,
                Mas.MAS3_PERMS, 0, Mas.MAS8_TGS | 1);
        c.msr = Msr.GS;
        c.gpr[4] = 0x1234;
        // mtsrr0 r4 goes to GSRR0; then tlbwe traps to the hypervisor
        assertEquals(Ivor.HV_PRIV, h.run(0x7C9A03A6, 0x7C0007A4));
        assertEquals(0x1234, c.spr[SprNum.GSRR0]);
        assertEquals(CpuHarness.CODE + 4, c.spr[SprNum.SRR0]);
    }
}
