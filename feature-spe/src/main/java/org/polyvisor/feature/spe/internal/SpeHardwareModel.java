package org.polyvisor.feature.spe.internal;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.arm64.spi.PhysicalRegisters;
import org.polyvisor.arm64.spi.SamplingHook;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.arm64.spi.WorldSwitchSession;
import org.polyvisor.spi.StateSnapshot;

/**
 * What the physical SPE unit does around an nVHE world switch, as hardware (not as KVM): while the host profiles, its
 * PMSCR_EL1, PMBLIMITR_EL1 and PMBPTR_EL1 are live on the CPU and the unit holds records it has not written yet. The
 * buffer is virtually addressed through the EL1&amp;0 regime ("arm64: KVM: Save/restore the host SPE state when
 * entering/leaving a VM", 2017: "the EL0/1 page table may be live whilst we're executing at EL2 on non-VHE"), so once
 * the guest's EL1 state is loaded, an enabled unit writes through the guest's tables: the host's records land in guest
 * memory at whatever the host's PMBPTR translates to there.
 *
 * <p>Modelled at the world-switch points: {@code saveHost} (order 0, before any other participant) is the host having
 * run since the last exit (the host's perf programming is applied, one more record is in flight); {@code loadGuest}
 * (after every participant's {@code saveHost} and the guest sysreg load) writes the records in flight through the
 * guest's regime if the unit is still enabled then. nVHE only: a VHE host's buffer is owned by EL2.
 */
@Component(service = WorldSwitchParticipant.class)
public final class SpeHardwareModel implements WorldSwitchParticipant {
    /** Runs first in the entry hooks, so that {@code loadGuest} sees what every saveHost left. */
    public static final int ORDER = 0;

    @Override
    public String id() {
        return "spe-hardware";
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public WorldSwitchSession open(PhysicalRegisters cpu) {
        int pmscr = cpu.slot("PMSCR_EL1");
        int limit = cpu.slot("PMBLIMITR_EL1");
        int ptr = cpu.slot("PMBPTR_EL1");
        // the physical CPU's profile and host session, looked up once per session rather than per switch
        HostProfiling.Session host = HostProfiling.cpu(cpu.vcpuIndex());
        return new WorldSwitchSession() {
            private boolean programmed;

            @Override
            public void saveHost(PhysicalRegisters hw) {
                HostProfiling.Session s = host;
                if (hw.vhe() || s.pmsVer == 0 || s.ownedByHigherEl || !s.active) {
                    return;
                }
                if (!programmed) { // the host's perf driver: arm_spe_pmu_start
                    hw.set(ptr, s.bufferVa);
                    programmed = true;
                }
                hw.set(limit, s.limit | Spe.PMBLIMITR_E);
                if (hw.get(pmscr) == 0) {
                    hw.set(pmscr, Spe.PMSCR_E1SPE | Spe.PMSCR_CX);
                }
                s.inFlight++; // the host ran since the last exit: the unit sampled it
            }

            @Override
            public void loadGuest(PhysicalRegisters hw) {
                HostProfiling.Session s = host;
                if (hw.vhe() || s.pmsVer == 0) {
                    return;
                }
                boolean bufferOn = (hw.get(limit) & Spe.PMBLIMITR_E) != 0;
                if (bufferOn) {
                    s.entriesWithBufferEnabled++;
                }
                if ((hw.get(pmscr) & (Spe.PMSCR_E0SPE | Spe.PMSCR_E1SPE)) != 0 && bufferOn) {
                    writeThroughGuestRegime(hw, s);
                }
            }

            @Override
            public StateSnapshot exportState() {
                return StateSnapshot.builder("spe-hardware", 1).value("programmed", programmed ? 1 : 0).build();
            }

            @Override
            public void importState(StateSnapshot state) {
                programmed = state.requireKind("spe-hardware", 1).value("programmed") != 0;
            }
        };
    }

    /** The unit writes what it holds through the EL1&amp;0 regime now loaded: the guest's. */
    static void writeThroughGuestRegime(PhysicalRegisters hw, HostProfiling.Session s) {
        int ptr = hw.slot("PMBPTR_EL1");
        SamplingHook pe = hw.sampling();
        byte[] record = hostRecord(hw.get(ptr));
        for (; s.inFlight > 0; s.inFlight--) {
            long va = hw.get(ptr);
            if (va + record.length > s.limit) {
                s.inFlight = 0;
                return;
            }
            long pa = pe.translate(va, true);
            if (pa >= 0 && ((pa + record.length - 1) & ~0xFFFL) == (pa & ~0xFFFL)) {
                pe.writePhysical(pa, record, 0, record.length);
                s.recordsThroughGuestRegime++;
            }
            hw.set(ptr, va + record.length);
        }
    }

    /** Drained through the host's own regime: the records reach the host's buffer (host memory, not modelled). */
    static void drainToHost(PhysicalRegisters hw, HostProfiling.Session s) {
        int ptr = hw.slot("PMBPTR_EL1");
        hw.set(ptr, hw.get(ptr) + (long) s.inFlight * HOST_RECORD);
        s.recordsToHost += s.inFlight;
        s.inFlight = 0;
    }

    /** Bytes of the record the model writes for a host sample: PC packet, events, op type, End. */
    static final int HOST_RECORD = 16;

    private static byte[] hostRecord(long marker) {
        byte[] r = new byte[HOST_RECORD];
        r[0] = (byte) RecordEncoder.HDR_ADDR_PC;
        long pc = 0xFFFF_8000_0810_0000L | (marker & 0xFFF); // a host kernel PC at EL1
        for (int i = 0; i < 8; i++) {
            r[1 + i] = (byte) ((pc & 0x00FF_FFFF_FFFF_FFFFL | 1L << 61 | 1L << 63) >>> (8 * i));
        }
        r[9] = 0x42;                                 // events, 1 byte: retired
        r[10] = 0x02;
        r[11] = (byte) RecordEncoder.HDR_OP_OTHER;
        r[12] = 0;
        r[13] = 0;                                   // padding
        r[14] = 0;
        r[15] = (byte) RecordEncoder.HDR_END;
        return r;
    }
}
