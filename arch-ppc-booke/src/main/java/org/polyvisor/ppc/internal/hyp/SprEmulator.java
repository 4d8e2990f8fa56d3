package org.polyvisor.ppc.internal.hyp;

import static org.polyvisor.ppc.internal.cpu.SprNum.*;

import org.polyvisor.ppc.internal.cpu.Ivor;
import org.polyvisor.ppc.internal.cpu.Spr;
import org.polyvisor.ppc.internal.cpu.SprTable;
import org.polyvisor.ppc.internal.exec.Cpu;

/**
 * Emulation of the SPRs that trap in guest state (KVM kvmppc_booke_emulate_mfspr/mtspr and the e500 ones): the
 * vCPU's copies live in {@link #vspr}; the decrementer is the {@link GuestTimer}; IVPR, IVOR2 and IVOR8 are also
 * written to GIVPR/GIVOR2/GIVOR8 so that the hardware can deliver DSI and system calls to the guest directly.
 * Hypervisor-only SPRs are not emulated (EMULATE_FAIL, as KVM).
 */
public final class SprEmulator {
    final int[] vspr = new int[1024];
    final GuestTimer timer = new GuestTimer();
    private final GuestTlb guestTlb;

    public SprEmulator(GuestTlb guestTlb) {
        this.guestTlb = guestTlb;
    }

    /** What {@link #mfspr} returns for an SPR it cannot emulate (values are zero-extended, so -1 is free). */
    public static final long NOT_EMULATED = -1L;

    /** Returns the value zero-extended, or {@link #NOT_EMULATED} (no boxing: HV_PRIV exits allocate nothing). */
    public long mfspr(Cpu cpu, int n) {
        Spr s = SprTable.get(n);
        if (s == null || s.level() == Spr.Level.HYPERVISOR) {
            return NOT_EMULATED;
        }
        long tb = cpu.timeBase.now();
        int v = switch (n) {
            case DEC -> timer.readDec(tb);
            case TCR -> timer.tcr;
            case TSR -> {
                timer.update(tb);
                yield timer.tsr;
            }
            case DECAR -> timer.decar;
            case TLB0CFG, TLB1CFG, SVR -> s.reset();
            case MMUCFG -> guestTlb.entries().mmuV2() ? 1 : 0;
            case MMUCSR0, TBL_W, TBU_W -> 0;
            default -> vspr[n];
        };
        return v & 0xFFFF_FFFFL;
    }

    /** Returns false when the SPR cannot be emulated. */
    public boolean mtspr(Cpu cpu, int n, int v) {
        Spr s = SprTable.get(n);
        if (s == null || s.level() == Spr.Level.HYPERVISOR) {
            return false;
        }
        long tb = cpu.timeBase.now();
        switch (n) {
            case DEC -> timer.writeDec(v, tb);
            case TCR -> {
                timer.update(tb);
                timer.tcr = v;
            }
            case TSR -> {
                timer.update(tb);
                timer.tsr &= ~v;
            }
            case DECAR -> timer.decar = v;
            case IVPR -> {
                vspr[IVPR] = v;
                cpu.spr[GIVPR] = v;
            }
            case IVOR0 + 2 -> {
                vspr[n] = v;
                cpu.spr[GIVOR2] = v;
            }
            case IVOR0 + 8 -> {
                vspr[n] = v;
                cpu.spr[GIVOR8] = v;
            }
            case MMUCSR0 -> guestTlb.flashInvalidate(v);
            case TBL_W, TBU_W -> {
                // KVM does not let a guest move the time base: ignored
            }
            default -> {
                if (!s.readOnly()) {
                    vspr[n] = v;
                }
            }
        }
        return true;
    }

    public int vsprValue(int n) {
        return vspr[n];
    }

    public void vsprValue(int n, int v) {
        vspr[n] = v;
    }

    /** Guest interrupt vector for an injected interrupt (vcpu->arch.ivpr | ivor[n]). */
    public int vector(int ivor) {
        int n = Ivor.sprOf(ivor);
        return (vspr[IVPR] & 0xFFFF_0000) | (vspr[n] & 0xFFF0);
    }
}
