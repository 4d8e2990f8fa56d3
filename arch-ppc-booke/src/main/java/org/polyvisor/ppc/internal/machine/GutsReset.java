package org.polyvisor.ppc.internal.machine;

import org.polyvisor.spi.MmioDevice;

/**
 * The GUTS block's RSTCR (CCSR + 0xE_00B0): setting its reset bit resets the machine, which ends the run under
 * -no-reboot.
 */
public final class GutsReset implements MmioDevice {
    public static final long RSTCR = 0xB0;
    /** RSTCR's reset request bit (QEMU hw/ppc/mpc8544_guts.c MPC8544_GUTS_RSTCR_RESET). */
    public static final long RSTCR_RESET = 0x02;
    private final PowerControl power;

    public GutsReset(PowerControl power) {
        this.power = power;
    }

    @Override
    public String name() {
        return "mpc85xx-guts";
    }

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == RSTCR && (value & RSTCR_RESET) != 0) {
            power.shutdown(0, "reset request through GUTS RSTCR (no reboot)");
        }
    }
}
