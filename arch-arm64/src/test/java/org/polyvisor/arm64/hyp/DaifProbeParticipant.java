package org.polyvisor.arm64.hyp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.polyvisor.arm64.spi.PhysicalRegisters;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.arm64.spi.WorldSwitchSession;
import org.polyvisor.spi.StateSnapshot;

/**
 * Checks that the world switch runs its participants with all of PSTATE.DAIF masked, on either host model: on nVHE
 * the HVC into EL2 masks it, on VHE only the switch's own local_daif_mask() does ("KVM: arm64: stop propagating DAIF
 * flags between kernel and VHE's world switch", 2017). Hooks count and remember the first unmasked DAIF they saw;
 * they allocate nothing and do not block.
 */
final class DaifProbeParticipant implements WorldSwitchParticipant {
    static final String[] HOOKS = {"saveHost", "loadGuest", "saveGuest", "restoreHost"};
    private static final int ALL_MASKED = 0x3C0;

    /** Hook calls per hook (index into {@link #HOOKS}), over every vCPU. */
    final AtomicLongArray calls = new AtomicLongArray(HOOKS.length);
    final AtomicLong violations = new AtomicLong();
    /** The first violation as hook index << 32 | the DAIF value seen, or -1. */
    private final AtomicLong first = new AtomicLong(-1);

    @Override
    public String id() {
        return "daif-probe";
    }

    @Override
    public int order() {
        return 1000;
    }

    @Override
    public WorldSwitchSession open(PhysicalRegisters cpu) {
        int daif = cpu.slot("DAIF");
        return new WorldSwitchSession() {
            @Override
            public void saveHost(PhysicalRegisters hw) {
                check(0, hw.get(daif));
            }

            @Override
            public void loadGuest(PhysicalRegisters hw) {
                check(1, hw.get(daif));
            }

            @Override
            public void saveGuest(PhysicalRegisters hw) {
                check(2, hw.get(daif));
            }

            @Override
            public void restoreHost(PhysicalRegisters hw) {
                check(3, hw.get(daif));
            }

            @Override
            public StateSnapshot exportState() {
                return StateSnapshot.builder("daif-probe", 1).build();
            }

            @Override
            public void importState(StateSnapshot s) {
                s.requireKind("daif-probe", 1);
            }
        };
    }

    private void check(int hook, long daif) {
        calls.incrementAndGet(hook);
        if ((daif & ALL_MASKED) != ALL_MASKED) {
            first.compareAndSet(-1, (long) hook << 32 | (daif & 0xFFFF_FFFFL));
            violations.incrementAndGet();
        }
    }

    /** What the probe saw, for assertion messages. */
    String report() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < HOOKS.length; i++) {
            b.append(HOOKS[i]).append('=').append(calls.get(i)).append(' ');
        }
        b.append("violations=").append(violations.get());
        long f = first.get();
        if (f >= 0) {
            b.append(", first at ").append(HOOKS[(int) (f >>> 32)]).append(" with DAIF 0x")
                    .append(Long.toHexString(f & 0xFFFF_FFFFL));
        }
        return b.toString();
    }
}
