package org.polyvisor.arm64.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.machine.gic.GicDistributor;
import org.polyvisor.arm64.internal.machine.gic.GicRedistributors;
import org.polyvisor.arm64.internal.machine.gic.GicV3;

/** GICv3 semantics through its MMIO frames and line outputs (the ICC_* side is exercised by the guests). */
class GicV3Test {
    private GicV3 gic;
    private GicDistributor dist;
    private GicRedistributors redist;
    private final boolean[] line = new boolean[2];

    @BeforeEach
    void setUp() {
        gic = new GicV3(2);
        dist = new GicDistributor(gic);
        redist = new GicRedistributors(gic);
        for (int c = 0; c < 2; c++) {
            int cpu = c;
            gic.connect(c, a -> line[cpu] = a);
        }
        dist.write(0, 4, 0x13);
        for (int c = 0; c < 2; c++) {
            long sgi = c * GicRedistributors.STRIDE + 0x1_0000;
            redist.write(sgi + 0x80, 4, 0xFFFF_FFFFL);
        }
    }

    private void cpuOn(int cpu) {
        gic.setCpuReg(cpu, "PMR", 0xFF);
        gic.setCpuReg(cpu, "GRPEN1", 1);
    }

    private int ack(int cpu) {
        return gic.acknowledge(cpu, true);
    }

    private void eoi(int cpu, int id) {
        gic.endOfInterrupt(cpu, id);
    }

    @Test
    void levelPpiStaysPendingWhileItsLineIsHighAndRefiresAfterEoi() {
        cpuOn(0);
        redist.write(0x1_0000 + 0x100, 4, 1L << 27);
        gic.setLevel(0, 27, true);
        assertTrue(line[0]);
        assertEquals(27, ack(0));
        assertFalse(line[0], "active: not signalled again");
        eoi(0, 27);
        assertTrue(line[0], "the line is still high: pending again after EOI");
        assertEquals(27, ack(0));
        gic.setLevel(0, 27, false);
        eoi(0, 27);
        assertFalse(line[0]);
        assertEquals(GicV3.SPURIOUS, ack(0));
    }

    @Test
    void softwarePendedLevelSpiIsClearedByAcknowledge() {
        cpuOn(1);
        dist.write(0x6000 + 8 * 40, 8, 1); // IROUTER: cpu 1
        dist.write(0x104, 4, 1L << 8);     // enable 40
        dist.write(0x84, 4, 0xFFFF_FFFFL); // group 1
        dist.write(0x204, 4, 1L << 8);     // pend 40
        assertFalse(line[0]);
        assertTrue(line[1], "routed to cpu 1");
        assertEquals(1L << 8, dist.read(0x204, 4) & (1L << 8));
        assertEquals(40, ack(1));
        assertEquals(0, dist.read(0x204, 4) & (1L << 8), "the pending latch is cleared by the acknowledge");
        assertEquals(1L << 8, dist.read(0x304, 4) & (1L << 8), "active");
        eoi(1, 40);
        assertEquals(0, dist.read(0x304, 4) & (1L << 8));
        assertFalse(line[1]);
    }

    @Test
    void priorityOrderAndPriorityMask() {
        cpuOn(0);
        dist.write(0x84, 4, 0xFFFF_FFFFL);
        dist.write(0x400 + 40, 1, 0xA0);
        dist.write(0x400 + 41, 1, 0x20);
        dist.write(0x104, 4, 3L << 8);
        dist.write(0x204, 4, 3L << 8);
        gic.setCpuReg(0, "PMR", 0x80);
        assertEquals(41, ack(0), "0x20 beats 0xA0 and passes PMR 0x80");
        assertEquals(GicV3.SPURIOUS, ack(0), "0xA0 is masked by PMR, and 41 is running");
        eoi(0, 41);
        assertEquals(GicV3.SPURIOUS, ack(0), "still masked by PMR");
        gic.setCpuReg(0, "PMR", 0xFF);
        assertEquals(40, ack(0));
    }

    @Test
    void sgiToListAndToAllButSelf() {
        cpuOn(0);
        cpuOn(1);
        for (int c = 0; c < 2; c++) {
            redist.write(c * GicRedistributors.STRIDE + 0x1_0000 + 0x100, 4, 1L << 5);
        }
        gic.sendSgi(0, (5L << 24) | 0b10);
        assertFalse(line[0]);
        assertTrue(line[1]);
        assertEquals(5, ack(1));
        eoi(1, 5);
        gic.sendSgi(1, (5L << 24) | (1L << 40)); // IRM: everyone but the sender
        assertTrue(line[0]);
        assertFalse(line[1]);
    }

    @Test
    void redistributorIdentifiesItsCpuAndTheLastOne() {
        long typer0 = redist.read(0x8, 8);
        long typer1 = redist.read(GicRedistributors.STRIDE + 0x8, 8);
        assertEquals(0, typer0 >>> 32);
        assertEquals(1, typer1 >>> 32);
        assertEquals(0, typer0 & 0x10, "not last");
        assertEquals(0x10, typer1 & 0x10, "last redistributor");
        assertEquals(6, redist.read(0x14, 4), "asleep at reset");
        redist.write(0x14, 4, 0);
        assertEquals(0, redist.read(0x14, 4));
    }

    /**
     * A machine rebuilt (bundle swap, snapshot restore) between a guest's WAKER write and its ChildrenAsleep poll: the
     * woken redistributor stays awake, else the guest's gic_cpu_init polls forever.
     */
    @Test
    void wakerStateSurvivesASnapshot() {
        redist.write(GicRedistributors.STRIDE + 0x14, 4, 0); // CPU 1: ProcessorSleep = 0
        GicV3 rebuilt = new GicV3(2);
        rebuilt.importState(gic.exportState());
        GicRedistributors rebuiltRedist = new GicRedistributors(rebuilt);
        assertEquals(6, rebuiltRedist.read(0x14, 4), "CPU 0 was never woken");
        assertEquals(0, rebuiltRedist.read(GicRedistributors.STRIDE + 0x14, 4), "CPU 1 stays awake");
    }
}
