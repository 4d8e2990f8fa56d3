package org.polyvisor.ppc.internal.machine;

import org.polyvisor.spi.ConsoleSink;
import org.polyvisor.spi.MmioDevice;
import org.polyvisor.spi.StateSnapshot;

/**
 * The ns16550 UART of QEMU's e500 machines (byte registers, no shift). Transmission is immediate, so LSR always
 * reports THR empty and transmitter empty; received bytes come from the console sink.
 */
public final class Ns16550 implements MmioDevice {
    private static final int LSR_DR = 0x01, LSR_THRE = 0x20, LSR_TEMT = 0x40, LCR_DLAB = 0x80;
    /** IIR: FIFOs enabled (0xC0), no interrupt pending (0x01). */
    private static final int IIR_FIFO_NO_INT = 0xC1;
    /** MSR (modem status): DCD, DSR, CTS asserted, as QEMU's serial reports without a modem. */
    private static final int MSR_DCD = 0x80, MSR_DSR = 0x20, MSR_CTS = 0x10;
    private final ConsoleSink console;
    private int ier, lcr, mcr, scr, dll, dlm;
    private int rx = -1;

    public Ns16550(ConsoleSink console) {
        this.console = console;
    }

    @Override
    public String name() {
        return "ns16550";
    }

    private int peekRx() {
        if (rx < 0) {
            rx = console.read();
        }
        return rx;
    }

    @Override
    public long read(long offset, int size) {
        return switch ((int) offset) {
            case 0 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    yield dll;
                }
                int b = peekRx();
                rx = -1;
                yield b < 0 ? 0 : b & 0xFF;
            }
            case 1 -> (lcr & LCR_DLAB) != 0 ? dlm : ier;
            case 2 -> IIR_FIFO_NO_INT;
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> LSR_THRE | LSR_TEMT | (peekRx() >= 0 ? LSR_DR : 0);
            case 6 -> MSR_DCD | MSR_DSR | MSR_CTS;
            case 7 -> scr;
            default -> 0;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        int v = (int) value & 0xFF;
        switch ((int) offset) {
            case 0 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    dll = v;
                } else {
                    console.write(v);
                }
            }
            case 1 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    dlm = v;
                } else {
                    ier = v & 0x0F;
                }
            }
            case 3 -> lcr = v;
            case 4 -> mcr = v & 0x1F;
            case 7 -> scr = v;
            default -> {
                // FCR and read-only registers: nothing to model
            }
        }
    }

    @Override
    public StateSnapshot exportState() {
        return StateSnapshot.builder(name(), 1).value("ier", ier).value("lcr", lcr).value("mcr", mcr)
                .value("scr", scr).value("dll", dll).value("dlm", dlm).build();
    }

    @Override
    public void importState(StateSnapshot s) {
        s.requireKind(name(), 1);
        ier = (int) s.value("ier");
        lcr = (int) s.value("lcr");
        mcr = (int) s.value("mcr");
        scr = (int) s.value("scr");
        dll = (int) s.value("dll");
        dlm = (int) s.value("dlm");
    }
}
