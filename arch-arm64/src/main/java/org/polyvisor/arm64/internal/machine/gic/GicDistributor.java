package org.polyvisor.arm64.internal.machine.gic;

import org.polyvisor.spi.MmioDevice;
import org.polyvisor.spi.StateSnapshot;

/** GICD at 0x0800_0000 (64 KiB): control, type, the SPI banks and IROUTER. State lives in {@link GicV3}. */
public final class GicDistributor implements MmioDevice {
    public static final long BASE = 0x0800_0000L;
    public static final long SIZE = 0x1_0000L;

    private final GicV3 gic;

    public GicDistributor(GicV3 gic) {
        this.gic = gic;
    }

    @Override
    public String name() {
        return "gicv3-distributor";
    }

    @Override
    public long read(long off, int size) {
        if (off == 0x0000) {
            return gic.ctlr();
        }
        if (off == 0x0004) { // TYPER as QEMU's virt GICv3 reads it: ITLinesNumber, IDbits 16, No1N, A3V, LPIS
            return 0x037A_0000L | (GicV3.NR_IRQS / 32 - 1);
        }
        if (off == 0x0008) {
            return 0x43B; // IIDR: ARM implementer (QEMU's value)
        }
        if (off >= 0x6100 && off < 0x6100 + 8L * GicV3.NR_IRQS) { // IROUTER<n> for n >= 32
            int id = (int) ((off - 0x6000) >>> 3);
            return off % 8 == 0 ? gic.route(id) : 0;
        }
        if (off == 0xFFE8) {
            return 0x3B; // PIDR2: ArchRev 3
        }
        if (off >= 0x80 && off < 0xD00) {
            return IrqRegisters.read(gic, 0, off, size, 32, GicV3.NR_IRQS - 1);
        }
        return 0;
    }

    @Override
    public void write(long off, int size, long value) {
        if (off == 0x0000) {
            gic.setCtlr(value);
        } else if (off >= 0x6100 && off < 0x6100 + 8L * GicV3.NR_IRQS) {
            if (off % 8 == 0) {
                int id = (int) ((off - 0x6000) >>> 3);
                int aff0 = (int) value & 0xFF;
                gic.setRoute(id, aff0 < gic.cpuCount() ? aff0 : 0);
            }
        } else if (off >= 0x80 && off < 0xD00) {
            IrqRegisters.write(gic, 0, off, size, value, 32, GicV3.NR_IRQS - 1);
        }
    }

    @Override
    public StateSnapshot exportState() {
        return StateSnapshot.builder(name(), 1).build(); // the state is exported with the GIC (machine state)
    }
}
