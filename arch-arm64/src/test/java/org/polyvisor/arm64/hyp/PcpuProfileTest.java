package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.polyvisor.api.VmException;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.HostMachine;
import org.polyvisor.arm64.internal.hyp.PcpuProfile;
import org.polyvisor.arm64.testing.GeometryConfigurator;

/**
 * Host settings for the shared physical CPUs and their profiles, and the sanitised values the host reports to the
 * stage-2 configuration: the lowest PARange wins (kvm_arm_setup_stage2's limit), 16-bit VMIDs and hardware AF only
 * when every CPU has them (Linux cpufeature.c, FTR_LOWER_SAFE).
 */
class PcpuProfileTest {
    @Test
    void settingsGiveTheCpusTheirProfiles() {
        Map<String, String> s = Map.of("polyvisor.arm64.pcpus", "3", "polyvisor.arm64.pcpu.1.parange", "40",
                "polyvisor.arm64.pcpu.2.parange", "48", "polyvisor.arm64.pcpu.2.vmidbits", "16",
                "polyvisor.arm64.pcpu.2.hafdbs", "true");
        List<PcpuProfile> cpus = PcpuProfile.fromSettings(s::get);
        assertEquals(List.of(PcpuProfile.CORTEX_A57, new PcpuProfile(2, false, false), new PcpuProfile(5, true, true)),
                cpus);
        assertEquals(List.of(), PcpuProfile.fromSettings(k -> null), "no setting: no shared CPUs");
    }

    @Test
    void theLowestPaRangeOfTheCpusLimitsTheIpa() {
        HostMachine host = new HostMachine(List.of(new PcpuProfile(5, true, true), new PcpuProfile(2, true, false),
                new PcpuProfile(4, false, true)));
        assertEquals(2, host.parange(), "sanitised PARange: the lowest");
        assertEquals(40, host.paBits());
        assertFalse(host.vmid16(), "one CPU has 8-bit VMIDs");
        assertFalse(host.hardwareAccessFlag(), "one CPU has no HAFDBS");
        assertEquals(3, host.pcpus().size());
        assertEquals(new PcpuProfile(2, true, false), host.pcpus().cpu(1).profile(), "each CPU keeps its own");
        Arm64Architecture arch = new Arm64Architecture(host);
        arch.setStage2Configurator(new GeometryConfigurator());
        assertEquals("40", arch.capabilities().capabilities().get("ipa-bits"), "KVM_CAP_ARM_VM_IPA_SIZE");

        HostMachine all48 = new HostMachine(List.of(new PcpuProfile(5, true, true), new PcpuProfile(5, true, true)));
        assertEquals(48, all48.paBits());
        assertTrue(all48.vmid16());
        assertTrue(all48.hardwareAccessFlag());
    }

    @Test
    void badSettingsSayWhatAndWhatToGive() {
        VmException n = assertThrows(VmException.class,
                () -> PcpuProfile.fromSettings(Map.of("polyvisor.arm64.pcpus", "many")::get));
        assertTrue(n.getMessage().contains("polyvisor.arm64.pcpus=many is not a whole number"), n.getMessage());
        VmException p = assertThrows(VmException.class, () -> PcpuProfile.fromSettings(
                Map.of("polyvisor.arm64.pcpus", "2", "polyvisor.arm64.pcpu.1.parange", "45")::get));
        assertTrue(p.getMessage().contains("polyvisor.arm64.pcpu.1.parange=45") && p.getMessage().contains("32, 36, 40"),
                p.getMessage());
        VmException v = assertThrows(VmException.class, () -> PcpuProfile.fromSettings(
                Map.of("polyvisor.arm64.pcpus", "1", "polyvisor.arm64.pcpu.0.vmidbits", "12")::get));
        assertTrue(v.getMessage().contains("give 8 or 16"), v.getMessage());
        VmException r = assertThrows(VmException.class,
                () -> PcpuProfile.fromSettings(Map.of("polyvisor.arm64.pcpus", "-1")::get));
        assertTrue(r.getMessage().contains("out of range"), r.getMessage());
    }
}
