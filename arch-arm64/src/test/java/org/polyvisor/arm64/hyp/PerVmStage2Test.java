package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmException;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Exit;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.Stage2Geometry;
import org.polyvisor.arm64.internal.mmu.Stage2Walk;
import org.polyvisor.arm64.spi.Stage2Configurator;
import org.polyvisor.arm64.spi.Stage2Host;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.GeometryConfigurator;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.GuestClock;

/**
 * The architecture side of per-VM stage 2: a {@link Stage2Configurator} (here one built on the model's own
 * {@link Stage2Geometry}; feature-stage2 has its own) gives each VM its VTCR_EL2; the VM's tables are built for that
 * IPA size and granule, VTCR_EL2 is what the guest runs under, RAM placed at the very top of the IPA space works, and
 * an access at exactly 2^ipa faults at stage 2 and reaches the guest as an external abort (KVM: an IPA between the
 * VM's IPA size and PARange gets kvm_inject_dabt).
 */
class PerVmStage2Test {
    private static TestMachine machine(Arm64Architecture arch, String ipa, String granule, String highmem) {
        VmConfig cfg = TestMachine.config("vhe", 1).withOption("ipa", ipa).withOption("s2granule", granule);
        if (highmem != null) {
            cfg = cfg.withOption("highmem", highmem);
        }
        return new TestMachine(arch, cfg, GuestClock.HOST);
    }

    @ParameterizedTest(name = "ipa={0} granule={1}")
    @CsvSource({"32, 4k", "32, 16k", "32, 64k", "36, 4k", "36, 16k", "36, 64k", "40, 4k", "40, 16k", "40, 64k",
        "44, 4k", "44, 16k", "44, 64k"})
    void ramAtTheTopOfTheIpaSpaceWorksAndTwoToTheIpaFaults(int ipa, String granule) {
        Arm64Architecture arch = new Arm64Architecture();
        arch.setStage2Configurator(new GeometryConfigurator());
        long top = 1L << ipa;
        try (TestMachine m = machine(arch, String.valueOf(ipa), granule, "1m")) {
            long vbar = TestMachine.RAM + 0x800;
            A64 code = new A64().mov(1, vbar).msr("VBAR_EL1", 1)
                    .mov(4, top - 4).mov(2, 0x5A5A_0000L | ipa).strW(2, 4).ldrW(3, 4) // the last word of the IPA space
                    .mov(5, top);
            if (ipa < 44) {
                code.ldrW(6, 5); // exactly 2^ipa: still below the 44-bit PA range of stage 1, so stage 2 faults
            }
            m.load(TestMachine.RAM, code.hvc().code());
            m.load(vbar + 0x200, new A64().hvc().code());
            m.vcpu(0).boot(TestMachine.RAM, true);
            Arm64Vcpu v = m.vcpu(0);
            assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, v.run()).exitClass());
            assertEquals(0x5A5A_0000L | ipa, m.context().memory().read(top - 4, 4, ByteOrder.LITTLE_ENDIAN),
                    "the store reached the high RAM slot");
            long vtcr = new GeometryConfigurator().vtcr(Map.of("ipa", "" + ipa, "s2granule", granule),
                    m.machine().host());
            v.withGuestView(() -> {
                assertEquals(0x5A5A_0000L | ipa, v.cpu().x[3], "the load read it back");
                if (ipa < 44) {
                    assertEquals(0x25L, v.cpu().sys[v.cpu().iEsr1] >>> 26, "DABT_CUR in the guest");
                    assertEquals(0x10L, v.cpu().sys[v.cpu().iEsr1] & 0x3F, "synchronous external abort");
                    assertEquals(top, v.cpu().sys[v.cpu().iFar1]);
                }
            });
            assertEquals(vtcr, (long) v.registers().get("VTCR_EL2"), "the VM's own VTCR_EL2 (pv:regs)");
            var table = m.machine().stage2().table();
            assertEquals(Stage2Geometry.fromVtcr(vtcr), table.geometry());
            long leaf = table.leaf(top - 4);
            assertNotEquals(0, leaf, "the top page is mapped");
            long host = m.machine().stage2().hostAddress(top - 4);
            int g = table.geometry().granuleShift();
            assertEquals(host & -(1L << g), leaf & 0x0000_FFFF_FFFF_F000L & -(1L << g), "mapped to its host page");
            assertEquals(0, leaf & Stage2Walk.DESC_XN, "RAM is executable");
        }
    }

    @Test
    void aSlotBeyondTheIpaLimitIsRefusedAtCreation() {
        Arm64Architecture arch = new Arm64Architecture();
        arch.setStage2Configurator(new GeometryConfigurator());
        VmConfig big = VmConfig.of("arm64", 4L << 30, 1, null).withOption("ipa", "32");
        VmException e = assertThrows(VmException.class, () -> new TestMachine(arch, big, GuestClock.HOST));
        assertTrue(e.getMessage().contains("beyond the VM's 32-bit IPA space"), e.getMessage());
        VmException h = assertThrows(VmException.class, () -> machine(arch, "32", "4k", "4g"));
        assertTrue(h.getMessage().contains("highmem"), h.getMessage());
    }

    @Test
    void withoutAConfiguratorOnlyTheBuiltInStage2IsAvailable() {
        Arm64Architecture arch = new Arm64Architecture();
        VmException e = assertThrows(VmException.class, () -> machine(arch, "36", "4k", null));
        assertTrue(e.getMessage().contains("install feature-stage2"), e.getMessage());
        VmException g = assertThrows(VmException.class, () -> machine(arch, "40", "64k", null));
        assertTrue(g.getMessage().contains("install feature-stage2"), g.getMessage());
        assertEquals("40", arch.capabilities().capabilities().get("ipa-bits"));
        arch.setStage2Configurator(new GeometryConfigurator());
        assertEquals("44", arch.capabilities().capabilities().get("ipa-bits"), "KVM_CAP_ARM_VM_IPA_SIZE of the host");
    }

    /**
     * The configurator is asked only when a machine is built: replacing or removing it (a feature-stage2 update) leaves
     * a running VM's tables, VTCR and mappings as they were, and no call reaches the departed configurator.
     */
    @Test
    void aRunningVmKeepsItsStage2WhenTheConfiguratorIsReplaced() {
        Arm64Architecture arch = new Arm64Architecture();
        AtomicInteger calls = new AtomicInteger();
        GeometryConfigurator first = new GeometryConfigurator() {
            @Override
            public long vtcr(Map<String, String> options, Stage2Host host) {
                calls.incrementAndGet();
                return super.vtcr(options, host);
            }
        };
        arch.setStage2Configurator(first);
        try (TestMachine m = machine(arch, "36", "64k", "1m")) {
            long top = 1L << 36;
            // 1: str w2, [x4]; add x2, x2, #1; hvc; b 1b   (the top of the 36-bit space, every round)
            m.load(TestMachine.RAM, new A64().mov(4, top - 4).mov(2, 1).strW(2, 4).word(0x9100_0442).hvc()
                    .word(0x17FF_FFFD).code());
            Arm64Vcpu v = m.vcpu(0);
            assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, v.run()).exitClass());
            long vtcr = v.registers().get("VTCR_EL2");
            assertEquals(1, calls.get());
            arch.unsetStage2Configurator(first);
            arch.setStage2Configurator(new GeometryConfigurator()); // the updated bundle's service
            for (int i = 0; i < 3; i++) {
                assertEquals("HVC64", assertInstanceOf(Arm64Exit.class, v.run()).exitClass());
            }
            assertEquals(4, m.context().memory().read(top - 4, 4, ByteOrder.LITTLE_ENDIAN), "the guest kept going");
            assertEquals(vtcr, (long) v.registers().get("VTCR_EL2"), "same VTCR_EL2");
            assertEquals(1, calls.get(), "the replaced configurator was not called again");
        }
    }

    @Test
    void anInconsistentVtcrFromAConfiguratorIsRefused() {
        Arm64Architecture arch = new Arm64Architecture();
        arch.setStage2Configurator(new GeometryConfigurator() {
            @Override
            public long vtcr(Map<String, String> options, Stage2Host host) {
                return super.vtcr(options, host) & ~(3L << 6); // SL0 = 0: start at level 2 for a 40-bit 4K IPA
            }
        });
        VmException e = assertThrows(VmException.class, () -> machine(arch, "40", "4k", null));
        assertTrue(e.getMessage().contains("inconsistent"), e.getMessage());
    }
}
