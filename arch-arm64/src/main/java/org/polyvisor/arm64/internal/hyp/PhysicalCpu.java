package org.polyvisor.arm64.internal.hyp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.polyvisor.arm64.internal.cpu.Cpu;
import org.polyvisor.arm64.internal.exec.Core;
import org.polyvisor.arm64.spi.PhysicalRegisters;
import org.polyvisor.arm64.spi.SamplingHook;

/**
 * The modelled physical PE a vCPU thread runs on. Registers that the guest also uses are the CPU model's own storage
 * ({@link Cpu#sys}, the SP banks): loading the guest really overwrites them, exactly as on hardware, which is what the
 * world switch must save and restore. Registers only the host (or EL2) has live in {@link #own}. PSTATE.DAIF of the
 * host is a separate field because the CPU model's {@link Cpu#daif} is the guest's PSTATE while it runs.
 *
 * <p>Slots: {@code >= 0} index {@link Cpu#sys}; {@link #DAIF}, {@link #SP_EL0}, {@link #SP_EL1} are special;
 * {@code <= OWN_BASE} index {@link #own}.
 */
public final class PhysicalCpu implements PhysicalRegisters {
    public static final int NONE = -1;
    public static final int DAIF = -2;
    public static final int SP_EL0 = -3;
    public static final int SP_EL1 = -4;
    private static final int OWN_BASE = -16;

    /** Host-only registers every host model has (EL2 translation regime of a VHE host, hyp vectors, SPE controls). */
    static final List<String> BASE_OWN = List.of("VBAR_EL2", "SCTLR_EL2", "TCR_EL2", "TTBR0_EL2", "TTBR1_EL2",
            "MAIR_EL2", "CONTEXTIDR_EL2", "TPIDR_EL2", "PMSCR_EL1", "PMSCR_EL2", "PMBLIMITR_EL1", "PMBPTR_EL1");

    private final Core core;
    private final Cpu cpu;
    private final HostModel model;
    private final int vcpuIndex;
    private final VheDaif vheDaif;
    /** Host exceptions that wait for the host to unmask them; the world switch reports its points to it. */
    private final HostEvents events = new HostEvents(this);
    /** Physical PSTATE.DAIF while the host runs (SPSR bit positions 9..6). */
    public int daif;
    private long[] own;
    private final Map<String, Integer> ownIndex = new HashMap<>();
    private final List<String> ownNames = new ArrayList<>();
    /** Host registers world-switch participants declared: part of the host context this CPU must preserve. */
    private final List<String> participantRegs = new ArrayList<>();

    /** @param vheDaif how a VHE world switch treats the host's DAIF (option vhe.daif; unused on nVHE) */
    public PhysicalCpu(Core core, HostModel model, int vcpuIndex, VheDaif vheDaif) {
        this.vheDaif = vheDaif;
        this.core = core;
        this.cpu = core.cpu;
        this.model = model;
        this.vcpuIndex = vcpuIndex;
        this.own = new long[0];
        for (String n : BASE_OWN) {
            addOwn(n);
        }
        daif = HypConstants.DAIF_PROCCTX_NOIRQ; // KVM_RUN runs with IRQs masked, process context otherwise
    }

    /** The PE itself: state, data side and decoded blocks, what the world switch runs. */
    public Core core() {
        return core;
    }

    public Cpu cpu() {
        return cpu;
    }

    public HostModel model() {
        return model;
    }

    public VheDaif vheDaif() {
        return vheDaif;
    }

    /** The host's pending debug exceptions, SErrors and interrupts, taken when DAIF lets them. */
    public HostEvents events() {
        return events;
    }

    /** Gives a feature's host register storage (idempotent). Only at a safe point (vCPU not inside a switch). */
    public void addOwn(String name) {
        if (slot(name) != NONE) {
            return;
        }
        ownIndex.put(name, ownNames.size());
        ownNames.add(name);
        own = Arrays.copyOf(own, ownNames.size());
    }

    @Override
    public SamplingHook sampling() {
        return core.sampling();
    }

    @Override
    public boolean vhe() {
        return model == HostModel.VHE;
    }

    @Override
    public int vcpuIndex() {
        return vcpuIndex;
    }

    @Override
    public int slot(String name) {
        switch (name) {
            case "DAIF":
                return DAIF;
            case "SP_EL0":
                return SP_EL0;
            case "SP_EL1":
                return SP_EL1;
            default:
                break;
        }
        Integer o = ownIndex.get(name);
        if (o != null) {
            return OWN_BASE - o;
        }
        return cpu.regs.has(name) ? cpu.regs.index(name) : NONE;
    }

    @Override
    public long get(int slot) {
        if (slot >= 0) {
            return cpu.sys[slot];
        }
        switch (slot) {
            case DAIF:
                return daif;
            case SP_EL0:
                cpu.syncSp();
                return cpu.spEl0;
            case SP_EL1:
                cpu.syncSp();
                return cpu.spEl1;
            default:
                return own[OWN_BASE - slot];
        }
    }

    /**
     * Set whenever someone outside the world switch (a participant, a test, host code) writes a physical register:
     * the host context may then differ from the last saved copy. While it is clear the switch skips saving host state
     * that cannot have changed since the last exit restored it.
     */
    public boolean hostDirty = true;

    @Override
    public void set(int slot, long value) {
        hostDirty = true;
        setRaw(slot, value);
    }

    /** A write by the world switch itself (restoring saved state), which does not dirty the host context. */
    public void setRaw(int slot, long value) {
        if (slot >= 0) {
            cpu.sys[slot] = value;
            return;
        }
        switch (slot) {
            case DAIF -> daif = (int) value & Cpu.DAIF_MASK;
            case SP_EL0 -> {
                cpu.syncSp();
                cpu.spEl0 = value;
                cpu.setElSp(cpu.el, cpu.spSel); // reload the active SP from its bank
            }
            case SP_EL1 -> {
                cpu.syncSp();
                cpu.spEl1 = value;
                cpu.setElSp(cpu.el, cpu.spSel);
            }
            default -> own[OWN_BASE - slot] = value;
        }
    }

    /** Records a participant's host register (giving it storage if the CPU model has no such register). */
    public void declareParticipantRegister(String name) {
        addOwn(name);
        if (!participantRegs.contains(name)) {
            participantRegs.add(name);
        }
    }

    public List<String> participantRegisters() {
        return List.copyOf(participantRegs);
    }

    /** Names of the host-only registers (for pv:regs and tests). */
    public List<String> ownNames() {
        return List.copyOf(ownNames);
    }
}
