package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.TCR_ARE;
import static org.polyvisor.ppc.internal.cpu.SprNum.TSR_DIS;

import org.polyvisor.ppc.internal.cpu.SprNum;

/**
 * The guest's decrementer, emulated by the hypervisor as KVM does (guest DEC/DECAR/TCR/TSR accesses trap): DEC
 * counts down at the time-base rate from the value written; reaching zero sets TSR[DIS] and, with TCR[ARE],
 * reloads from DECAR. State is evaluated lazily against the time base, so nothing runs while nobody looks.
 */
public final class GuestTimer {
    int tcr;
    int tsr;
    int decar;
    /** Time base when DEC was last (re)loaded, and the value loaded then. */
    long base;
    long loaded;
    boolean running;

    public void update(long tb) {
        if (!running || tb - base < loaded) {
            return;
        }
        tsr |= TSR_DIS;
        if ((tcr & TCR_ARE) != 0 && decar != 0) {
            long period = decar & 0xFFFF_FFFFL;
            long elapsed = tb - base - loaded;
            base = base + loaded + (elapsed / period) * period;
            loaded = period;
        } else {
            running = false;
            loaded = 0;
        }
    }

    public int readDec(long tb) {
        update(tb);
        return running ? (int) (loaded - (tb - base)) : 0;
    }

    public void writeDec(int v, long tb) {
        update(tb);
        base = tb;
        loaded = v & 0xFFFF_FFFFL;
        running = v != 0;
    }

    /** Time base at which the next DEC event happens, or Long.MAX_VALUE. */
    public long nextEvent() {
        return running ? base + loaded : Long.MAX_VALUE;
    }

    public boolean decPending() {
        return (tsr & TSR_DIS) != 0 && (tcr & SprNum.TCR_DIE) != 0;
    }
}
