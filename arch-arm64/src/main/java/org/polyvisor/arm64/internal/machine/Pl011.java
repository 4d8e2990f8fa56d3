package org.polyvisor.arm64.internal.machine;

import org.polyvisor.spi.ConsoleSink;
import org.polyvisor.spi.MmioDevice;
import org.polyvisor.spi.StateSnapshot;

/**
 * ARM PrimeCell PL011 UART as QEMU's virt machine has it at 0x0900_0000: DR writes go to the console at once
 * (TXFF never set), RXFE reflects whether a console byte is waiting, control registers are plain storage, the ID
 * registers read as on QEMU. No interrupts yet (there is no GIC model).
 */
public final class Pl011 implements MmioDevice {
    static final int DR = 0x000;
    static final int FR = 0x018;
    static final int FR_RXFE = 0x10;
    static final int FR_TXFE = 0x80;
    private static final int[] ID = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

    private final ConsoleSink console;
    /** One byte read ahead from the console, so that FR can report RXFE without consuming input; -1 when none. */
    private int rx = -1;
    private final long[] regs = new long[0x50 / 4];

    public Pl011(ConsoleSink console) {
        this.console = console;
        regs[0x30 / 4] = 0x300; // CR: TXE | RXE, as QEMU resets it
    }

    @Override
    public String name() {
        return "pl011";
    }

    private void fill() {
        if (rx < 0) {
            rx = console.read();
        }
    }

    @Override
    public long read(long offset, int size) {
        if (offset >= 0xFE0 && offset < 0x1000) {
            return ID[(int) (offset - 0xFE0) >> 2];
        }
        if (offset == DR) {
            fill();
            int b = rx;
            rx = -1;
            return b < 0 ? 0 : b & 0xFF;
        }
        if (offset == FR) {
            fill();
            return FR_TXFE | (rx < 0 ? FR_RXFE : 0);
        }
        int i = (int) (offset >> 2);
        return offset >= 0 && i < regs.length ? regs[i] : 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == DR) {
            console.write((int) value & 0xFF);
            return;
        }
        int i = (int) (offset >> 2);
        if (offset >= 0 && i < regs.length && offset != FR) {
            regs[i] = value & 0xFFFF;
        }
    }

    @Override
    public StateSnapshot exportState() {
        StateSnapshot.Builder b = StateSnapshot.builder(name(), 1);
        for (int i = 0; i < regs.length; i++) {
            b.value("reg." + Integer.toHexString(i * 4), regs[i]);
        }
        b.value("rx", rx);
        return b.build();
    }

    @Override
    public void importState(StateSnapshot state) {
        state.requireKind(name(), 1);
        for (int i = 0; i < regs.length; i++) {
            regs[i] = state.value("reg." + Integer.toHexString(i * 4), regs[i]);
        }
        rx = (int) state.value("rx", -1);
    }
}
