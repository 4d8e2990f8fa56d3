package org.polyvisor.arm64.internal.machine.gic;

import org.polyvisor.spi.MmioDevice;

/**
 * The redistributors from 0x080A_0000, two 64 KiB frames per CPU as on QEMU virt: RD_base (CTLR, TYPER with the
 * affinity and the Last bit, WAKER) and SGI_base (the SGI/PPI banks of that CPU).
 */
public final class GicRedistributors implements MmioDevice {
    /** GICR_TYPER fields (GICv3 architecture specification, GICR_TYPER): CommonLPIAff = 0b01, Last, PLPIS. */
    private static final long TYPER_COMMON_LPI_AFF = 1L << 24;
    private static final long TYPER_LAST = 1L << 4;
    private static final long TYPER_PLPIS = 1L << 0;
    public static final long BASE = 0x080A_0000L;
    public static final long STRIDE = 0x2_0000L;

    private final GicV3 gic;

    public GicRedistributors(GicV3 gic) {
        this.gic = gic;
    }

    public long size() {
        return STRIDE * gic.cpuCount();
    }

    @Override
    public String name() {
        return "gicv3-redistributors";
    }

    @Override
    public long read(long offset, int size) {
        int cpu = (int) (offset / STRIDE);
        long off = offset % STRIDE;
        if (off >= 0x1_0000) {
            return IrqRegisters.read(gic, cpu, off - 0x1_0000, size, 0, 31);
        }
        if (off == 0x0004) {
            return 0x43B;
        }
        if (off == 0x0008 || off == 0x000C) {
            // TYPER (64-bit) as QEMU reads it: Affinity_Value [63:32], CommonLPIAff, Processor_Number, Last, PLPIS
            long typer = ((long) cpu << 32) | TYPER_COMMON_LPI_AFF | ((long) cpu << 8)
                    | (cpu == gic.cpuCount() - 1 ? TYPER_LAST : 0) | TYPER_PLPIS;
            return off == 0x0008 ? (size == 8 ? typer : typer & 0xFFFF_FFFFL) : typer >>> 32;
        }
        if (off == 0x0014) { // WAKER: ProcessorSleep (1), ChildrenAsleep (2)
            return gic.processorSleep(cpu) ? 6 : 0;
        }
        if (off == 0xFFE8) {
            return 0x3B;
        }
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        int cpu = (int) (offset / STRIDE);
        long off = offset % STRIDE;
        if (off >= 0x1_0000) {
            IrqRegisters.write(gic, cpu, off - 0x1_0000, size, value, 0, 31);
        } else if (off == 0x0014) {
            gic.setProcessorSleep(cpu, (value & 2) != 0);
        }
    }
}
