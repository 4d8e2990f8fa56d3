package org.polyvisor.testarch.internal;

import org.polyvisor.spi.ConsoleSink;
import org.polyvisor.spi.MmioDevice;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.testarch.ToyIsa;

/** The toy UART: DATA writes go to the console; STATUS counts bytes written (state that must survive a swap). */
final class ToyUart implements MmioDevice {
    private final ConsoleSink console;
    private long written;

    ToyUart(ConsoleSink console) {
        this.console = console;
    }

    @Override
    public String name() {
        return "toy-uart";
    }

    @Override
    public long read(long offset, int size) {
        return offset == ToyIsa.UART_STATUS ? written & 0xFFFF_FFFFL : 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == ToyIsa.UART_DATA) {
            console.write((int) value & 0xFF);
            written++;
        }
    }

    @Override
    public StateSnapshot exportState() {
        return StateSnapshot.builder("toy-uart", 1).value("written", written).build();
    }

    @Override
    public void importState(StateSnapshot state) {
        written = state.requireKind("toy-uart", 1).value("written");
    }
}
