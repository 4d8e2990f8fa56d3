package org.polyvisor.feature.spe.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The disadvantage "KVM: arm64: A new approach for SPE support" (2022) names for pinning the guest's buffer: the
 * architecture lets the guest change its buffer's VA-to-IPA translation while the buffer is enabled and profiling is
 * off, and the pinned design, which translated when the buffer was enabled, then writes to the stale IPA; the copy
 * design translates when it copies and writes where the guest's tables point now.
 */
class PinnedBufferTest {
    private static final long DATA = SpeRig.RAM + 0x4_0000;
    private static final long BUFFER_VA = 0x4020_0000L;
    private static final long IPA_BEFORE = SpeRig.RAM + 0xA_0000;
    private static final long IPA_AFTER = SpeRig.RAM + 0xB_0000;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRemapWhileProfilingIsOffReachesOnlyTheCopyDesign(boolean pin) {
        try (SpeRig rig = new SpeRig(pin).e2pb(Spe.E2PB_EL2)) {
            long l1 = SpeRig.RAM + 0xC_0000;
            long l2 = SpeRig.RAM + 0xC_1000;
            long l3 = SpeRig.RAM + 0xC_2000;
            // 4K granule, 39-bit VA: L2[0] = 2 MiB block over the RAM (code, data); L2[1] -> L3; L3[0] = the buffer page
            rig.write64(l1 + 8, l2 | 3);
            rig.write64(l2, SpeRig.RAM | (1L << 10) | 1);
            rig.write64(l2 + 8, l3 | 3);
            rig.write64(l3, IPA_BEFORE | (1L << 10) | 3);
            rig.core.setRaw("MAIR_EL1", 0xFF);
            rig.core.setRaw("TCR_EL1", 25 | (1L << 23));
            rig.core.setRaw("TTBR0_EL1", l1);
            rig.core.setRaw("SCTLR_EL1", rig.core.raw("SCTLR_EL1") | 1);
            rig.core.translationChanged();

            // the guest enables its buffer (trapped, emulated), profiling still off
            rig.hypWrite("PMBPTR_EL1", BUFFER_VA);
            rig.hypWrite("PMBLIMITR_EL1", (BUFFER_VA + 0x1000) | Spe.PMBLIMITR_E);
            // ... remaps the buffer page (allowed: the buffer is enabled but profiling is off) and invalidates its TLB
            rig.write64(l3, IPA_AFTER | (1L << 10) | 3);
            rig.core.translationChanged();
            // ... and starts profiling
            rig.hypWrite("PMSIRR_EL1", 256L << Spe.PMSIRR_INTERVAL_SHIFT);
            rig.hypWrite("PMSCR_EL1", Spe.PMSCR_E1SPE);
            rig.loop(DATA, 200);
            rig.hvc();
            rig.run();
            long end = rig.hypRead("PMBPTR_EL1"); // drains the copy buffer
            int n = (int) (end - BUFFER_VA);
            assertTrue(n > 0, "records were taken");
            byte[] none = new byte[n];
            SpeUnit unit = (SpeUnit) rig.core.sampling().sampler();
            if (pin) {
                assertEquals(unit.records, SpeDecoder.decode(rig.read(IPA_BEFORE, n), n).size(),
                        "pinned: every record went to the IPA translated at enable time (stale)");
                assertArrayEquals(none, rig.read(IPA_AFTER, n), "pinned: the page the guest maps now got nothing");
                assertEquals(1, unit.buffer.pagesPinned);
                assertEquals(0, unit.buffer.bytesCopied);
            } else {
                assertEquals(unit.records, SpeDecoder.decode(rig.read(IPA_AFTER, n), n).size(),
                        "copy: the records are where the guest's tables point now");
                assertArrayEquals(none, rig.read(IPA_BEFORE, n), "copy: the old page is untouched");
                assertEquals(n, unit.buffer.bytesCopied);
            }
        }
    }
}
