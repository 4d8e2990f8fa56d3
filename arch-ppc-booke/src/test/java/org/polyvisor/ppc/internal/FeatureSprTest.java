package org.polyvisor.ppc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyvisor.api.VmException;
import org.polyvisor.ppc.internal.hyp.ContributedSprs;
import org.polyvisor.ppc.spi.BookeSpr;
import org.polyvisor.ppc.spi.BookeSprTable;
import org.polyvisor.spi.StateIncompatibleException;
import org.polyvisor.spi.StateSnapshot;
import org.polyvisor.testkit.Golden;

/**
 * SPRs contributed through org.polyvisor.ppc.spi, on guests/ppc/featspr: with the feature the hypervisor layer
 * emulates the moves (supervisor and user state, a write hook, the Power ISA privilege rule), without it every access
 * is the illegal-instruction program interrupt the core raises today. Both runs are byte-compared with golden files
 * (this model's: QEMU treats undefined SPRs in supervisor state as no-ops, see guests/ppc/README.md).
 */
class FeatureSprTest {
    private static PpcArchitecture withFeature() {
        return new PpcArchitecture(List.of(new TestSprFeature()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "off"})
    void contributedSprsAreEmulated(String jit) throws Exception {
        try (LocalVm vm = new LocalVm(GuestRun.elf("featspr"), Map.of("jit", jit), withFeature()).runToEnd()) {
            Golden.assertSameBytes(Golden.expected(GuestRun.elf("featspr")), vm.console.toString(),
                    "featspr with the feature, jit=" + jit);
            ContributedSprs sprs = vm.vcpu.hypervisor().contributedSprs();
            assertEquals(1000, sprs.raw(TestSprFeature.PRIV), "TEST_FEAT after the loop");
            assertEquals(0x42, sprs.raw(TestSprFeature.USER), "TEST_FEAT_U keeps the hook's 16 bits");
            // 5 supervisor moves, 1 user read (the 2 refused ones are not emulated), 1 read at the end,
            // 1 + 2 x 1000 + 1 around the loop
            assertEquals(2009, vm.vcpu.hypervisor().stats.get("SPR_CONTRIBUTED"), "emulated moves");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "off"})
    void withoutTheFeatureTheGuestGetsTheProgramInterrupt(String jit) throws Exception {
        try (LocalVm vm = new LocalVm(GuestRun.elf("featspr"), Map.of("jit", jit)).runToEnd()) {
            Golden.assertSameBytes(Golden.expected(GuestRun.guestDir().resolve("featspr.bare.elf")),
                    vm.console.toString(), "featspr without the feature, jit=" + jit);
            assertEquals(0, vm.vcpu.hypervisor().stats.get("SPR_CONTRIBUTED"));
        }
    }

    @Test
    void guestThroughTheVmManager() throws Exception {
        var r = GuestRun.runner(withFeature()).run(GuestRun.elf("featspr"), Duration.ofSeconds(20));
        Golden.assertSameBytes(Golden.expected(GuestRun.elf("featspr")), r.console(), "featspr in a VM");
    }

    @Test
    void valuesSurviveASnapshotIntoANewMachine() throws Exception {
        StateSnapshot machine;
        StateSnapshot vcpu;
        try (LocalVm vm = new LocalVm(GuestRun.elf("featspr"), Map.of(), withFeature()).runToEnd()) {
            machine = vm.machine.exportState();
            vcpu = vm.vcpu.exportState();
        }
        assertEquals(1000, vcpu.value("fspr.TEST_FEAT"));
        assertEquals(0x42, vcpu.value("fspr.TEST_FEAT_U"));
        try (LocalVm fresh = new LocalVm(null, Map.of(), withFeature())) {
            fresh.machine.importState(machine);
            fresh.vcpu.importState(vcpu);
            ContributedSprs sprs = fresh.vcpu.hypervisor().contributedSprs();
            assertEquals(1000, sprs.raw(TestSprFeature.PRIV));
            assertEquals(0x42, sprs.raw(TestSprFeature.USER));
        }
        // without the feature the machine refuses the snapshot (the framework then keeps the VM waiting for it)
        try (LocalVm bare = new LocalVm(null, Map.of())) {
            var e = assertThrows(StateIncompatibleException.class, () -> bare.machine.importState(machine));
            assertTrue(e.getMessage().contains("'test-feature'"), e.getMessage());
        }
    }

    @Test
    void anSprANewRevisionAddsStartsAtItsResetValue() throws Exception {
        StateSnapshot vcpu;
        try (LocalVm vm = new LocalVm(GuestRun.elf("featspr"), Map.of(), withFeature()).runToEnd()) {
            vcpu = vm.vcpu.exportState();
        }
        BookeSprTable rev2 = new TestSprFeature() {
            @Override
            public List<BookeSpr> registers() {
                return List.of(super.registers().get(0), super.registers().get(1),
                        BookeSpr.plain(721, "TEST_FEAT2", BookeSpr.RW_SUPERVISOR, 2));
            }
        };
        try (LocalVm fresh = new LocalVm(null, Map.of(), new PpcArchitecture(List.of(rev2)))) {
            fresh.vcpu.importState(vcpu);
            ContributedSprs sprs = fresh.vcpu.hypervisor().contributedSprs();
            assertEquals(1000, sprs.raw(TestSprFeature.PRIV));
            assertEquals(2, sprs.raw(721));
        }
    }

    @Test
    void conflictingContributionsAreRefusedNamingTheFeature() {
        BookeSprTable core = table("shadows-core", BookeSpr.plain(256, "MY_USPRG0", BookeSpr.RW_USER, 0));
        var e = assertThrows(VmException.class, () -> new LocalVm(null, Map.of(),
                new PpcArchitecture(List.of(core))).close());
        assertTrue(e.getMessage().contains("'shadows-core'") && e.getMessage().contains("USPRG0"), e.getMessage());

        BookeSprTable same = table("other", BookeSpr.plain(TestSprFeature.PRIV, "OTHER", BookeSpr.RW_SUPERVISOR, 0));
        e = assertThrows(VmException.class, () -> new LocalVm(null, Map.of(),
                new PpcArchitecture(List.of(new TestSprFeature(), same))).close());
        assertTrue(e.getMessage().contains("'other'") && e.getMessage().contains("'test-feature'"), e.getMessage());

        var bad = assertThrows(IllegalArgumentException.class,
                () -> BookeSpr.plain(720, "USER_ON_PRIV", BookeSpr.RW_USER, 0));
        assertTrue(bad.getMessage().contains("0x10"), bad.getMessage());
    }

    private static BookeSprTable table(String name, BookeSpr... regs) {
        return new BookeSprTable() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<BookeSpr> registers() {
                return List.of(regs);
            }
        };
    }
}
