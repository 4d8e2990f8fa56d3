package org.polyvisor.device.pl031.internal;

import java.util.function.LongSupplier;

import org.polyvisor.spi.MmioDevice;
import org.polyvisor.spi.StateIncompatibleException;
import org.polyvisor.spi.StateSnapshot;

/**
 * ARM PrimeCell PL031 real-time clock (ARM DDI 0224), as QEMU's virt machine has it at 0x0901_0000: a 32-bit seconds
 * counter that always runs, a match register with an alarm, the load register and the PrimeCell ID registers.
 *
 * <p>The guest's time is the host's UTC seconds plus {@code tickOffset}, as in QEMU with {@code -rtc base=utc}: a
 * load (LR) moves the offset, so the guest's clock keeps running from the loaded value. The offset, not the guest's
 * time, is the exported state, so a VM keeps its idea of time across a swap or a snapshot and still follows the
 * host clock (QEMU migrates {@code tick_offset} the same way).
 *
 * <p>Not modelled: the interrupt line (QEMU virt wires it to SPI 2). The alarm sets the raw status (RIS/MIS) when the
 * counter reaches the match value, which a guest can poll.
 */
final class Pl031 implements MmioDevice {
    static final String KIND = "pl031";
    static final int STATE_VERSION = 1;

    static final int DR = 0x00;
    static final int MR = 0x04;
    static final int LR = 0x08;
    static final int CR = 0x0C;
    static final int IMSC = 0x10;
    static final int RIS = 0x14;
    static final int MIS = 0x18;
    static final int ICR = 0x1C;
    static final int ID_BASE = 0xFE0;
    /** PeriphID0-3 (part 0x031, designer ARM, revision 1) and PCellID0-3, one byte per word. */
    private static final int[] ID = {0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    private static final long NOT_ARMED = Long.MAX_VALUE;

    private final LongSupplier wallMillis;
    private long tickOffset;
    private int mr;
    private int lr;
    private int im;
    private int is;
    /** Host wall-clock time (ms) at which the counter reaches MR, or {@link #NOT_ARMED}. */
    private long alarmDueMillis = NOT_ARMED;

    Pl031(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
    }

    @Override
    public String name() {
        return "pl031";
    }

    private int count(long nowMillis) {
        return (int) (Math.floorDiv(nowMillis, 1000) + tickOffset);
    }

    /** Arms the alarm for the next time the counter equals MR; at once if it equals MR now (QEMU: ticks == 0). */
    private void setAlarm(long nowMillis) {
        long ticks = Integer.toUnsignedLong(mr - count(nowMillis)); // wraps like the 32-bit counter
        if (ticks == 0) {
            alarmDueMillis = NOT_ARMED;
            is = 1;
        } else {
            alarmDueMillis = nowMillis + ticks * 1000;
        }
    }

    /** Raises the raw status if the alarm time has passed (the device has no line to raise, so this runs lazily). */
    private void pollAlarm(long nowMillis) {
        if (nowMillis >= alarmDueMillis) {
            alarmDueMillis = NOT_ARMED;
            is = 1;
        }
    }

    @Override
    public synchronized long read(long offset, int size) {
        int off = (int) offset;
        int v = switch (off) { // the host clock is read only by the registers that depend on it
            case DR -> count(wallMillis.getAsLong());
            case MR -> mr;
            case LR -> lr;
            case CR -> 1; // always enabled; the start bit cannot be cleared
            case IMSC -> im;
            case RIS -> {
                pollAlarm(wallMillis.getAsLong());
                yield is;
            }
            case MIS -> {
                pollAlarm(wallMillis.getAsLong());
                yield is & im;
            }
            default -> off >= ID_BASE && off < ID_BASE + 0x20 ? ID[(off - ID_BASE) >> 2] : 0; // ICR, reserved: 0
        };
        return Integer.toUnsignedLong(v);
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) value;
        switch ((int) offset) {
            case LR -> {
                long now = wallMillis.getAsLong();
                lr = v;
                tickOffset += Integer.toUnsignedLong(v) - Integer.toUnsignedLong(count(now));
                setAlarm(now);
            }
            case MR -> {
                mr = v;
                setAlarm(wallMillis.getAsLong());
            }
            case IMSC -> im = v & 1;
            case ICR -> {
                pollAlarm(wallMillis.getAsLong());
                is &= ~v;
            }
            default -> {
                // CR is ignored (always enabled); DR, RIS, MIS are read-only; reserved offsets ignore writes
            }
        }
    }

    @Override
    public synchronized StateSnapshot exportState() {
        pollAlarm(wallMillis.getAsLong());
        return StateSnapshot.builder(KIND, STATE_VERSION).value("tickOffset", tickOffset).value("mr", mr)
                .value("lr", lr).value("im", im).value("is", is)
                .value("alarmDueMillis", alarmDueMillis == NOT_ARMED ? -1 : alarmDueMillis).build();
    }

    @Override
    public synchronized void importState(StateSnapshot state) {
        StateSnapshot s = state.requireKind(KIND, STATE_VERSION);
        long imported = s.value("im");
        long status = s.value("is");
        if ((imported & ~1L) != 0 || (status & ~1L) != 0) {
            throw new StateIncompatibleException("pl031 state has IMSC " + imported + " and RIS " + status
                    + "; both are single bits");
        }
        long due = s.value("alarmDueMillis");
        tickOffset = s.value("tickOffset");
        mr = (int) s.value("mr");
        lr = (int) s.value("lr");
        im = (int) imported;
        is = (int) status;
        // The alarm keeps its due time (host wall clock), so it fires when it would have without the swap. QEMU's
        // post_load re-arms from MR instead, which raises RIS again if the counter still equals MR: a guest that
        // had just cleared it would notice.
        alarmDueMillis = due < 0 ? NOT_ARMED : due;
    }
}
