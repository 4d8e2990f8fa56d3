package org.polyvisor.arm64.hyp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.polyvisor.arm64.internal.Arm64Architecture;
import org.polyvisor.arm64.internal.hyp.Arm64Vcpu;
import org.polyvisor.arm64.internal.hyp.PsciHandler;
import org.polyvisor.arm64.internal.hyp.SysRegTrapHandler;
import org.polyvisor.arm64.testing.A64;
import org.polyvisor.arm64.testing.TestMachine;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.ExitAction;

/**
 * A guest doing random things to the hypervisor's surface (system-register space including ICC_*, hvc/smc with
 * random function IDs and arguments, stores of random values to the GIC and UART, WFI) never makes the model throw:
 * every outcome is an architectural exception in the guest or an exit the framework handles, on both host models.
 */
class GuestRobustnessPropertyTest {
    @Provide
    Arbitrary<Integer> words() {
        Arbitrary<Integer> sys = Arbitraries.integers().between(0, 0x1F_FFFF).map(x -> 0xD500_0000 | (x << 5) | 1);
        Arbitrary<Integer> gicOrUart = Arbitraries.of(0x0800_0000, 0x0800_0100, 0x0800_0200, 0x0800_0400, 0x0800_6100,
                0x080A_0014, 0x080B_0100, 0x080B_0200, 0x080C_0000, 0x0900_0000, 0x0900_0030);
        return Arbitraries.frequencyOf(
                Tuple.of(5, sys),
                Tuple.of(1, Arbitraries.of(0xD400_0002, 0xD400_0003, 0xD503_207F)),
                Tuple.of(2, gicOrUart.map(a -> -a - 1)), // marker: becomes mov x3, a; str w1, [x3]
                Tuple.of(2, Arbitraries.integers()));
    }

    @Property(tries = 60)
    void randomGuestNeverBreaksTheModel(@ForAll @Size(min = 1, max = 40) List<@From("words") Integer> words,
                                        @ForAll long value, @ForAll boolean vhe) {
        try (TestMachine m = new TestMachine(new Arm64Architecture(), vhe ? "vhe" : "nvhe", 2)) {
            A64 a = new A64().mov(1, value).mov(0, value >>> 7).mov(2, value >>> 13);
            for (int w : words) {
                if (w < 0 && w > -0x1000_0000) {
                    a.mov(3, -w - 1).strW(1, 3);
                } else {
                    a.word(w);
                }
            }
            a.mov(0, 0x8400_0008L).hvc();
            m.load(TestMachine.RAM, a.code());
            A64 vec = new A64(); // a vector table of hvc #0, so that guest exceptions come back as exits
            for (int i = 0; i < 16 * 32; i++) {
                vec.hvc();
            }
            m.load(TestMachine.RAM + 0x10_0000, vec.code());
            Arm64Vcpu v = m.vcpu(0);
            v.boot(TestMachine.RAM, true);
            v.withGuestView(() -> v.cpu().sys[v.cpu().regs.index("VBAR_EL1")] = TestMachine.RAM + 0x10_0000);
            PsciHandler psci = new PsciHandler();
            SysRegTrapHandler sys = new SysRegTrapHandler();
            for (int step = 0; step < 200; step++) {
                Exit e = v.run();
                if (e instanceof Exit.Mmio mm) {
                    if (mm.write()) {
                        m.bus().write(mm.address(), mm.size(), mm.value());
                    } else {
                        v.completeMmioRead(m.bus().read(mm.address(), mm.size()));
                    }
                } else if (e instanceof Exit.ArchExit ae) {
                    ExitAction act = switch (ae.exitClass()) {
                        case "HVC64", "SMC64" -> psci.handle(m.exitContext(v), ae);
                        case "SYS64" -> sys.handle(m.exitContext(v), ae);
                        default -> ExitAction.RESUME; // WFx: resume at once
                    };
                    if (!(act instanceof ExitAction.Resume)) {
                        return;
                    }
                } else {
                    assertTrue(e instanceof Exit.Failure || e instanceof Exit.Kicked, "unexpected " + e);
                    return;
                }
            }
        }
    }
}
