package org.polyvisor.feature.spe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.internal.hyp.WfxHandler;
import org.polyvisor.arm64.spi.WorldSwitchParticipant;
import org.polyvisor.testkit.GuestFiles;
import org.polyvisor.testkit.GuestRun;
import org.polyvisor.testkit.GuestRunner;

/**
 * The host profiling on an nVHE host while a guest runs (guests/arm64/spehost: a page at the VA of the host's SPE
 * buffer, filled with a pattern and checked after 200 world switches). The SPE hardware model always runs; what
 * changes is KVM's host save: absent or done after the guest's EL1 regime is loaded, the host's records are written
 * through the guest's tables into that page; in the settled order (2017) or today's upstream form, the page is
 * intact and every host record reached the host's buffer.
 */
class HostSpeNvheTest {
    private static final long HOST_BUFFER_VA = 0x4030_0000L;

    private HostProfiling.Session host;

    @BeforeEach
    void hostProfiles() {
        HostProfiling.reset();
        host = HostProfiling.cpu(0);
        host.start(HOST_BUFFER_VA, 0x10000);
    }

    @AfterEach
    void forget() {
        HostProfiling.reset();
    }

    private static GuestRun run(String hostModel, WorldSwitchParticipant... participants) {
        Arm64Architecture arch = new Arm64Architecture();
        arch.addParticipant(new SpeHardwareModel());
        for (WorldSwitchParticipant p : participants) {
            arch.addParticipant(p);
        }
        return GuestRunner.on(arch).handler(new PsciHandler(), "HVC64", "SMC64")
                .handler(new SysRegTrapHandler(), "SYS64").handler(new WfxHandler(), "WFx").option("host", hostModel)
                .run(GuestFiles.elf("arm64", "spehost"), Duration.ofSeconds(60));
    }

    @Test
    void withoutTheSaveHostRecordsCorruptGuestMemory() {
        GuestRun r = run("nvhe");
        assertTrue(r.console().contains("guest memory corrupted"), r.console());
        assertTrue(host.recordsThroughGuestRegime > 0, "records written through the guest's tables");
    }

    @Test
    void theSaveDoneAfterTheGuestRegimeIsLoadedCorruptsToo() {
        GuestRun r = run("nvhe", new SpeHostSave(SpeHostSave.Form.MISORDERED));
        assertTrue(r.console().contains("guest memory corrupted"), r.console());
        assertTrue(host.recordsThroughGuestRegime > 0);
    }

    @Test
    void theSettledOrderKeepsGuestMemoryIntact() {
        SpeHostSave save = new SpeHostSave(SpeHostSave.Form.KVM_2017);
        GuestRun r = run("nvhe", save);
        assertTrue(r.console().contains("guest memory intact"), r.console());
        assertEquals(0, host.recordsThroughGuestRegime);
        assertTrue(host.recordsToHost >= 200, "each host stretch's record drained to the host: " + host.recordsToHost);
        assertTrue(save.saves >= 200, "saved on every entry: " + save.saves);
        assertTrue(host.entriesWithBufferEnabled >= 200, "the 2017 form leaves PMBLIMITR_EL1.E set");
    }

    @Test
    void theUpstreamFormAlsoDisablesTheBuffer() {
        GuestRun r = run("nvhe", new SpeHostSave(SpeHostSave.Form.UPSTREAM));
        assertTrue(r.console().contains("guest memory intact"), r.console());
        assertEquals(0, host.entriesWithBufferEnabled, "PMBLIMITR_EL1 cleared before every guest entry");
        assertEquals(0, host.recordsThroughGuestRegime);
    }

    @Test
    void theSaveIsSkippedWhenThereIsNothingToSave() {
        host.pmsVer = 0; // this physical CPU has no SPE
        SpeHostSave save = new SpeHostSave();
        assertTrue(run("nvhe", save).console().contains("guest memory intact"));
        assertEquals(0, save.saves, "PMSVer 0: skipped");

        HostProfiling.reset();
        host = HostProfiling.cpu(0);
        host.ownedByHigherEl = true; // PMBIDR_EL1.P
        host.start(HOST_BUFFER_VA, 0x10000);
        save = new SpeHostSave();
        assertTrue(run("nvhe", save).console().contains("guest memory intact"));
        assertEquals(0, save.saves, "PMBIDR_EL1.P: skipped");

        HostProfiling.reset();
        host = HostProfiling.cpu(0); // idle: PMBLIMITR_EL1.E clear
        save = new SpeHostSave();
        assertTrue(run("nvhe", save).console().contains("guest memory intact"));
        assertEquals(0, save.saves, "host not profiling: skipped");
    }

    @Test
    void onVheTheHostBufferBelongsToEl2() {
        GuestRun r = run("vhe");
        assertTrue(r.console().contains("guest memory intact"), r.console());
    }
}
