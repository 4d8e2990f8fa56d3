package org.polyvisor.ppc.internal.hyp;

import org.polyvisor.ppc.internal.cpu.Spr;
import org.polyvisor.ppc.internal.cpu.SprTable;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.spi.BookeSpr;
import org.polyvisor.spi.StateSnapshot;

/**
 * The neutral "ppc-booke.vcpu" snapshot: r0..r31, pc, msr, cr, xer, lr, ctr, every SPR of {@link SprTable} by name
 * ("spr.NAME"), the hypervisor's emulated SPRs ("vspr.NAME"), the decrementer, queued interrupts, the physical and
 * guest TLBs as blobs, and the SPRs feature bundles contribute ("fspr.NAME"). Values are stored zero-extended so a snapshot reads the same everywhere.
 *
 * <p>Version 2 keeps the time base as "tb.offset", its distance in ticks from the VM's guest time, which the
 * framework saves and restores itself (QEMU migrates the guest's tb_offset, not the counter). Version 1 kept the
 * counter itself as "tb"; it still imports: the framework restores guest time before the vCPU imports (guest time 0
 * for snapshot files older than the clock), and the counter is set against it, so it continues from the saved value.
 */
final class VcpuState {
    static final String KIND = "ppc-booke.vcpu";
    static final int VERSION = 2;
    /** The version whose time base is the counter ("tb") rather than the offset to guest time. */
    private static final int VERSION_WITH_TB_COUNTER = 1;
    /** Key prefix of the SPRs feature bundles contribute (org.polyvisor.ppc.spi), by name; absent without features. */
    static final String FEATURE_SPR = "fspr.";

    private VcpuState() {
    }

    private static long u(int v) {
        return v & 0xFFFF_FFFFL;
    }

    static StateSnapshot export(Cpu c, Hypervisor h) {
        StateSnapshot.Builder b = StateSnapshot.builder(KIND, VERSION);
        for (int i = 0; i < 32; i++) {
            b.value("r" + i, u(c.gpr[i]));
        }
        b.value("pc", u(c.pc)).value("msr", u(c.msr)).value("cr", u(c.cr)).value("xer", u(c.xer))
                .value("lr", u(c.lr)).value("ctr", u(c.ctr))
                .value("tb.offset", c.timeBase.offset())
                .flag("reservation", c.reservation).value("reservationAddr", u(c.reservationAddr))
                .flag("halted", c.halted).value("retired", c.retired)
                .value("tlb.lastWay", c.tlbOps.lastWay()).value("gtlb.lastWay", h.guestTlb().ops().lastWay());
        for (Spr s : SprTable.all()) {
            b.value("spr." + s.name(), u(c.spr[s.num()]));
            b.value("vspr." + s.name(), u(h.sprs().vsprValue(s.num())));
        }
        for (BookeSpr f : h.contributedSprs().registers()) {
            b.value(FEATURE_SPR + f.name(), u(h.contributedSprs().raw(f.number())));
        }
        h.interrupts().exportPending(b);
        b.blob("tlb.physical", c.tlb.toBytes());
        b.blob("tlb.guest", h.guestTlb().entries().toBytes());
        return b.build();
    }

    static void importInto(StateSnapshot s, Cpu c, Hypervisor h) {
        s.requireKind(KIND, VERSION);
        for (int i = 0; i < 32; i++) {
            c.gpr[i] = (int) s.value("r" + i);
        }
        c.pc = (int) s.value("pc");
        c.msr = (int) s.value("msr");
        c.cr = (int) s.value("cr");
        c.xer = (int) s.value("xer");
        c.lr = (int) s.value("lr");
        c.ctr = (int) s.value("ctr");
        if (s.version() == VERSION_WITH_TB_COUNTER) {
            c.timeBase.set(s.value("tb"));
        } else {
            c.timeBase.offset(s.value("tb.offset"));
        }
        c.reservation = s.value("reservation") != 0;
        c.reservationAddr = (int) s.value("reservationAddr");
        c.halted = s.value("halted") != 0;
        c.retired = s.value("retired");
        c.tlbOps.lastWay((int) s.value("tlb.lastWay"));
        h.guestTlb().ops().lastWay((int) s.value("gtlb.lastWay"));
        for (Spr sp : SprTable.all()) {
            c.spr[sp.num()] = (int) s.value("spr." + sp.name());
            h.sprs().vsprValue(sp.num(), (int) s.value("vspr." + sp.name()));
        }
        for (BookeSpr f : h.contributedSprs().registers()) {
            String key = FEATURE_SPR + f.name();
            // an SPR a new revision of a feature added keeps its reset value; the machine has checked that every
            // feature whose SPRs the snapshot holds is installed (PpcMachine.importState)
            if (s.values().containsKey(key)) {
                h.contributedSprs().setRaw(f.number(), (int) s.value(key));
            }
        }
        h.interrupts().importPending(s);
        c.tlb.fromBytes(s.blob("tlb.physical"));
        h.guestTlb().entries().fromBytes(s.blob("tlb.guest"));
        c.contextChanged();
        c.codeChanged();
    }
}
