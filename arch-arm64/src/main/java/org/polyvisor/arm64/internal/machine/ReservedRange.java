package org.polyvisor.arm64.internal.machine;

import org.polyvisor.spi.MmioDevice;

/** A device window that is reserved but not modelled yet (the GIC): reads as zero, writes are ignored. */
public final class ReservedRange implements MmioDevice {
    private final String name;

    public ReservedRange(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
    }
}
