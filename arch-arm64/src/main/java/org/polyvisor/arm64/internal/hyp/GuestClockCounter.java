package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.arm64.internal.cpu.SystemCounter;
import org.polyvisor.spi.GuestClock;

/**
 * The machine's system counter on its VM's guest clock: CNTPCT counts guest time, which the framework stops while the
 * VM is paused, held for a swap or waiting for a bundle, so a pause is invisible to the guest's timers (QEMU's
 * generic timer counts QEMU_CLOCK_VIRTUAL, which vm_stop stops). One instance per machine, shared by its vCPUs.
 *
 * @param clock the VM's guest clock ({@link org.polyvisor.spi.MachineContext#clock()})
 */
public record GuestClockCounter(GuestClock clock) implements SystemCounter {
    @Override
    public long nanos() {
        return clock.nanos();
    }

    @Override
    public long hostNanosAt(long nanos) {
        return clock.hostNanosAt(nanos);
    }
}
