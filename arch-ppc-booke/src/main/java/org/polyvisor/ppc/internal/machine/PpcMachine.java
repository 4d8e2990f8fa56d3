package org.polyvisor.ppc.internal.machine;

import java.util.List;

import org.polyvisor.api.GuestPhysicalAddress;
import org.polyvisor.api.VmException;
import org.polyvisor.elf.ElfImage;
import org.polyvisor.ppc.internal.exec.Cpu;
import org.polyvisor.ppc.internal.hyp.ContributedSprs;
import org.polyvisor.ppc.internal.hyp.Hypervisor;
import org.polyvisor.ppc.internal.hyp.LastInstLoader;
import org.polyvisor.ppc.internal.hyp.LoadFailurePolicy;
import org.polyvisor.ppc.internal.hyp.LwepxLoader;
import org.polyvisor.ppc.internal.hyp.PpcVcpu;
import org.polyvisor.ppc.internal.hyp.TlbSearchLoader;
import org.polyvisor.ppc.internal.mmu.Mas;
import org.polyvisor.ppc.internal.mmu.TlbArray;
import org.polyvisor.ppc.spi.BookeSprTable;
import org.polyvisor.spi.Exit;
import org.polyvisor.spi.GuestClock;
import org.polyvisor.spi.Machine;
import org.polyvisor.spi.MachineContext;
import org.polyvisor.spi.StateIncompatibleException;
import org.polyvisor.spi.StateSnapshot;

/**
 * QEMU's ppce500 machine (e500plat) with an e500mc: RAM at 0, CCSR at 0xF_E000_0000 with the ns16550 UART at
 * +0x4500, GUTS at +0xE_0000 and the power-off GPIO at +0xF_F000.
 */
public final class PpcMachine implements Machine {
    public static final long CCSR = 0xF_E000_0000L;
    public static final long UART0 = CCSR + 0x4500;
    public static final long GUTS = CCSR + 0xE_0000;
    public static final long GPIO = CCSR + 0xF_F000;
    static final int RAM_SLOT = 0;

    private final MachineContext context;
    private final PpcVcpu[] vcpus;
    private final Ns16550 uart;
    private final Mpc8xxxGpio gpio;
    private volatile Exit.Shutdown shutdown;

    /** Machine-state key prefix of the feature SPR tables the vCPUs were built with. */
    private static final String SPR_TABLE_PREFIX = "sprs.";
    private final List<BookeSprTable> sprTables;

    public PpcMachine(MachineContext context) {
        this(context, List.of());
    }

    /**
     * @param sprTables SPRs contributed by feature bundles, merged into every vCPU (refused with a message naming the
     *                  feature when one claims an SPR the core implements or another feature contributes)
     */
    public PpcMachine(MachineContext context, List<BookeSprTable> sprTables) {
        this.context = context;
        this.sprTables = List.copyOf(sprTables);
        PpcOptions options = PpcOptions.from(context.config());
        if (context.config().vcpus() != 1) {
            throw new VmException("ppc-booke VM '" + context.config().name() + "': " + context.config().vcpus()
                    + " vCPUs requested, this machine supports 1 (the spin-table release of secondaries is not"
                    + " modelled)");
        }
        long ram = context.config().memoryBytes();
        if (ram % (64 * 1024) != 0 || ram > 0xF_0000_0000L) {
            throw new VmException("ppc-booke VM '" + context.config().name() + "': memory 0x" + Long.toHexString(ram)
                    + " must be a multiple of 64 KiB below the CCSR window");
        }
        // After a bundle swap the framework-owned memory still has the RAM slot: reuse it.
        boolean present = context.memory().slots().stream()
                .anyMatch(sl -> sl.id() == RAM_SLOT && sl.base().value() == 0 && sl.size() == ram);
        if (!present) {
            context.memory().addSlot(RAM_SLOT, GuestPhysicalAddress.of(0), ram, false);
        }
        uart = new Ns16550(context.console());
        gpio = new Mpc8xxxGpio(this::shutdown);
        context.mmio().map(GuestPhysicalAddress.of(UART0), 0x100, uart);
        context.mmio().map(GuestPhysicalAddress.of(GUTS), 0x1000, new GutsReset(this::shutdown));
        context.mmio().map(GuestPhysicalAddress.of(GPIO), 0x1000, gpio);
        vcpus = new PpcVcpu[] {vcpu(0, options)};
    }

    /** One vCPU: its core, and its hypervisor with LPID 1 + index (KVM gives each guest its own LPID). */
    private PpcVcpu vcpu(int index, PpcOptions options) {
        GuestClock clock = context.clock();
        Cpu cpu = new Cpu(context.memory(), options.mmuV2(), clock::nanos);
        cpu.jitThreshold = options.jitThreshold();
        LastInstLoader loader = options.lastInst().equals("lwepx") ? new LwepxLoader() : new TlbSearchLoader();
        Hypervisor hyp = new Hypervisor(cpu, context.memory(), 1 + index, loader);
        hyp.loadFailurePolicy(new LoadFailurePolicy(options.lastInstFail()));
        hyp.deviceMap(a -> context.mmio().isMapped(GuestPhysicalAddress.of(a)));
        // exits resolved inside the hypervisor layer show in pv:exits next to those that reach the framework
        hyp.stats.reportTo(name -> context.resolvedExitCounter(name));
        try {
            hyp.contributedSprs(new ContributedSprs(sprTables, index));
        } catch (IllegalArgumentException e) {
            throw new VmException("ppc-booke VM '" + context.config().name() + "': " + e.getMessage());
        }
        return new PpcVcpu(index, cpu, hyp, clock, this::shutdownRequest);
    }

    void shutdown(int status, String reason) {
        shutdown = new Exit.Shutdown(status, reason);
        for (PpcVcpu v : vcpus) {
            v.kick();
        }
    }

    Exit.Shutdown shutdownRequest() {
        return shutdown;
    }

    @Override
    public int vcpuCount() {
        return vcpus.length;
    }

    @Override
    public PpcVcpu vcpu(int index) {
        return vcpus[index];
    }

    @Override
    public void boot(ElfImage image) {
        image.require(ElfImage.EM_PPC, false, true, "ppc-booke");
        image.loadInto(context.memory());
        BootState b = BootState.of(image);
        b.writeDeviceTree(context.memory());
        PpcVcpu v = vcpus[0];
        Cpu c = v.cpu();
        c.pc = b.entry();
        c.gpr[1] = b.r1();
        c.gpr[3] = b.dtBase();
        c.gpr[6] = b.r6();
        c.gpr[7] = b.mapSize();
        // TLB1[0] of the guest, as QEMU writes it into the (here: guest) TLB
        v.hypervisor().guestTlb().entries().write(TlbArray.TLB1_BASE, b.tlb1Mas1(), 0, Mas.MAS3_PERMS, 0, 0);
    }

    @Override
    public StateSnapshot exportState() {
        Exit.Shutdown s = shutdown;
        StateSnapshot.Builder b = StateSnapshot.builder("ppce500", 1).child("uart0", uart.exportState())
                .child("gpio", gpio.exportState()).flag("shutdown", s != null);
        for (BookeSprTable t : sprTables) {
            b.flag(SPR_TABLE_PREFIX + t.name(), true); // the guest may hold values in its SPRs: needed on import
        }
        return b.build();
    }

    @Override
    public void importState(StateSnapshot state) {
        state.requireKind("ppce500", 1);
        List<String> installed = sprTables.stream().map(BookeSprTable::name).toList();
        for (String key : state.values().keySet()) {
            if (key.startsWith(SPR_TABLE_PREFIX) && !installed.contains(key.substring(SPR_TABLE_PREFIX.length()))) {
                // the guest's values of that feature's SPRs would be lost: the VM waits for the feature
                throw new StateIncompatibleException("the VM uses the SPRs of feature '"
                        + key.substring(SPR_TABLE_PREFIX.length()) + "', which is not installed (installed: "
                        + installed + ")");
            }
        }
        uart.importState(state.child("uart0"));
        gpio.importState(state.child("gpio"));
    }

    @Override
    public void close() {
        shutdown(0, "machine closed");
    }
}
