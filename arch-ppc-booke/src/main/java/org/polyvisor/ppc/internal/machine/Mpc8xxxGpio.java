package org.polyvisor.ppc.internal.machine;

import org.polyvisor.spi.MmioDevice;
import org.polyvisor.spi.StateSnapshot;

/**
 * The mpc8xxx GPIO block at CCSR + 0xF_F000 as QEMU's ppce500 wires it: pin 0 is the power-off line. Setting its
 * direction to output (+0) and driving it high (+8) powers the machine off with status 0.
 */
public final class Mpc8xxxGpio implements MmioDevice {
    private static final int PIN0 = 0x8000_0000;
    private final PowerControl power;
    private int dir, data;

    public Mpc8xxxGpio(PowerControl power) {
        this.power = power;
    }

    @Override
    public String name() {
        return "mpc8xxx-gpio";
    }

    @Override
    public long read(long offset, int size) {
        return switch ((int) offset) {
            case 0 -> dir & 0xFFFF_FFFFL;
            case 8 -> data & 0xFFFF_FFFFL;
            default -> 0;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        switch ((int) offset) {
            case 0 -> dir = (int) value;
            case 8 -> data = (int) value;
            default -> {
                return;
            }
        }
        if ((dir & data & PIN0) != 0) {
            power.shutdown(0, "power-off through GPIO pin 0");
        }
    }

    @Override
    public StateSnapshot exportState() {
        return StateSnapshot.builder(name(), 1).value("dir", dir).value("data", data).build();
    }

    @Override
    public void importState(StateSnapshot s) {
        s.requireKind(name(), 1);
        dir = (int) s.value("dir");
        data = (int) s.value("data");
    }
}
