package org.polyvisor.ppc.internal.cpu;

import static org.polyvisor.ppc.internal.cpu.Spr.Guest.NATIVE;
import static org.polyvisor.ppc.internal.cpu.Spr.Guest.REDIRECT;
import static org.polyvisor.ppc.internal.cpu.Spr.Guest.TRAP;
import static org.polyvisor.ppc.internal.cpu.Spr.Level.HYPERVISOR;
import static org.polyvisor.ppc.internal.cpu.Spr.Level.SUPERVISOR;
import static org.polyvisor.ppc.internal.cpu.Spr.Level.USER;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The e500mc SPRs with their access rules. TRAP entries are the ones KVM e500mc emulates in guest state
 * (booke_emulate.c, e500_emulate.c); HYPERVISOR entries are hypervisor-only and trap from guest state too.
 */
public final class SprTable {
    private static final Spr[] BY_NUM = new Spr[1024];
    private static final List<Spr> ALL = new ArrayList<>();

    private static void s(int n, String name, Spr.Level l, Spr.Guest g, int redirect, boolean ro, int reset) {
        Spr s = new Spr(n, name, l, g, redirect, ro, reset);
        if (BY_NUM[n] != null) {
            throw new IllegalStateException("SPR " + n + " defined twice");
        }
        BY_NUM[n] = s;
        ALL.add(s);
    }

    private static void sup(int n, String name) {
        s(n, name, SUPERVISOR, NATIVE, n, false, 0);
    }

    private static void trap(int n, String name) {
        s(n, name, SUPERVISOR, TRAP, n, false, 0);
    }

    private static void hyp(int n, String name) {
        s(n, name, HYPERVISOR, TRAP, n, false, 0);
    }

    static {
        s(1, "XER", USER, NATIVE, 1, false, 0);
        s(8, "LR", USER, NATIVE, 8, false, 0);
        s(9, "CTR", USER, NATIVE, 9, false, 0);
        trap(22, "DEC");
        s(26, "SRR0", SUPERVISOR, REDIRECT, 378, false, 0);
        s(27, "SRR1", SUPERVISOR, REDIRECT, 379, false, 0);
        sup(48, "PID");
        trap(54, "DECAR");
        trap(58, "CSRR0");
        trap(59, "CSRR1");
        s(61, "DEAR", SUPERVISOR, REDIRECT, 381, false, 0);
        s(62, "ESR", SUPERVISOR, REDIRECT, 383, false, 0);
        trap(63, "IVPR");
        s(256, "USPRG0", USER, NATIVE, 256, false, 0);
        s(259, "SPRG3R", USER, REDIRECT, 371, true, 0);
        s(260, "SPRG4R", USER, NATIVE, 276, true, 0);
        s(261, "SPRG5R", USER, NATIVE, 277, true, 0);
        s(262, "SPRG6R", USER, NATIVE, 278, true, 0);
        s(263, "SPRG7R", USER, NATIVE, 279, true, 0);
        s(268, "TBL", USER, NATIVE, 268, true, 0);
        s(269, "TBU", USER, NATIVE, 269, true, 0);
        for (int i = 0; i < 4; i++) {
            s(272 + i, "SPRG" + i, SUPERVISOR, REDIRECT, 368 + i, false, 0);
        }
        for (int i = 4; i < 8; i++) {
            sup(272 + i, "SPRG" + i);
        }
        trap(284, "TBWL");
        trap(285, "TBWU");
        s(286, "PIR", SUPERVISOR, REDIRECT, 382, true, 0);
        s(287, "PVR", SUPERVISOR, NATIVE, 287, true, 0x8023_0020);
        trap(304, "DBSR");
        hyp(307, "EPCR");
        trap(308, "DBCR0");
        trap(309, "DBCR1");
        trap(310, "DBCR2");
        hyp(311, "MSRP");
        trap(312, "IAC1");
        trap(313, "IAC2");
        trap(316, "DAC1");
        trap(317, "DAC2");
        trap(336, "TSR");
        hyp(338, "LPIDR");
        hyp(339, "MAS5");
        trap(340, "TCR");
        hyp(341, "MAS8");
        s(344, "TLB0PS", HYPERVISOR, TRAP, 344, true, 0);
        s(345, "TLB1PS", HYPERVISOR, TRAP, 345, true, 0);
        for (int i = 0; i < 4; i++) {
            hyp(368 + i, "GSPRG" + i);
        }
        hyp(378, "GSRR0");
        hyp(379, "GSRR1");
        hyp(380, "GEPR");
        hyp(381, "GDEAR");
        hyp(382, "GPIR");
        hyp(383, "GESR");
        for (int i = 0; i < 16; i++) {
            trap(400 + i, "IVOR" + i);
        }
        for (int i = 38; i <= 42; i++) {
            hyp(432 + i - 38, "IVOR" + i);
        }
        hyp(440, "GIVOR2");
        hyp(441, "GIVOR3");
        hyp(442, "GIVOR4");
        hyp(443, "GIVOR8");
        hyp(444, "GIVOR13");
        hyp(445, "GIVOR14");
        hyp(447, "GIVPR");
        s(515, "L1CFG0", SUPERVISOR, NATIVE, 515, true, 0x0B83_820);
        s(516, "L1CFG1", SUPERVISOR, NATIVE, 516, true, 0x0B83_820);
        for (int i = 32; i <= 37; i++) {
            trap(528 + i - 32, "IVOR" + i);
        }
        trap(570, "MCSRR0");
        trap(571, "MCSRR1");
        trap(572, "MCSR");
        trap(573, "MCAR");
        trap(574, "DSRR0");
        trap(575, "DSRR1");
        trap(604, "SPRG8");
        sup(605, "SPRG9");
        for (int i = 0; i <= 4; i++) {
            sup(624 + i, "MAS" + i);
        }
        sup(630, "MAS6");
        s(688, "TLB0CFG", SUPERVISOR, TRAP, 688, true, 0x0411_0200);
        s(689, "TLB1CFG", SUPERVISOR, TRAP, 689, true, 0x401c_c040);
        s(702, "EPR", SUPERVISOR, REDIRECT, 380, true, 0);
        sup(944, "MAS7");
        sup(947, "EPLC");
        sup(948, "EPSC");
        trap(1008, "HID0");
        trap(1009, "HID1");
        trap(1010, "L1CSR0");
        trap(1011, "L1CSR1");
        trap(1012, "MMUCSR0");
        s(1015, "MMUCFG", SUPERVISOR, TRAP, 1015, true, 0);
        s(1023, "SVR", SUPERVISOR, TRAP, 1023, true, 0x8030_0010);
    }

    private SprTable() {
    }

    /** The descriptor, or null for an SPR the e500mc does not have (program interrupt, illegal). */
    public static Spr get(int num) {
        return BY_NUM[num & 0x3FF];
    }

    public static List<Spr> all() {
        return Collections.unmodifiableList(ALL);
    }
}
