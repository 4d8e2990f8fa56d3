package org.polyvisor.arm64.internal.hyp;

import org.polyvisor.spi.StateSnapshot;

/**
 * A vCPU's PSCI power state (KVM: vcpu->arch.mp_state plus the pending CPU_ON reset state). CPU_ON arrives on another
 * vCPU's thread: it only records the entry point and marks the target ON_PENDING; the target's own thread applies the
 * reset at its next safe point, so no thread ever touches another vCPU's registers.
 */
public final class PowerState {
    public static final int ON = 0;
    public static final int OFF = 1;
    public static final int ON_PENDING = 2;

    private volatile int state;
    private volatile long entry;
    private volatile long context;

    public int state() {
        return state;
    }

    public long entry() {
        return entry;
    }

    public long context() {
        return context;
    }

    /** PSCI CPU_ON: SUCCESS, or ALREADY_ON / ON_PENDING when the target is not off. */
    public synchronized long requestOn(long entryPoint, long contextId) {
        if (state == ON) {
            return Psci.ALREADY_ON;
        }
        if (state == ON_PENDING) {
            return Psci.ON_PENDING;
        }
        entry = entryPoint;
        context = contextId;
        state = ON_PENDING;
        return Psci.SUCCESS;
    }

    public synchronized void set(int s) {
        state = s;
    }

    public void export(StateSnapshot.Builder b) {
        b.value("power", state).value("power.entry", entry).value("power.context", context)
                .flag("poweredOff", state == OFF);
    }

    public synchronized void importFrom(StateSnapshot s) {
        if (s.version() >= 2) {
            state = (int) s.value("power");
            entry = s.value("power.entry");
            context = s.value("power.context");
        } else {
            state = s.value("poweredOff", 0) != 0 ? OFF : ON;
        }
    }
}
