package org.polyvisor.feature.spe.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegAccess;
import org.polyvisor.arm64.spi.SysRegState;
import org.polyvisor.arm64.spi.SysRegTable;

/**
 * The SPE system registers (encodings from Linux's arch/arm64/tools/sysreg, SPE block), contributed to every arm64
 * vCPU. Sampling-control registers (PMS*) trap to EL2 under MDCR_EL2.TPMS and buffer registers (PMB*) unless
 * MDCR_EL2.E2PB = 0b11, as "arm64: KVM: Save/restore the host SPE state when entering/leaving a VM" (2017) configures
 * them for guests; the hypervisor's SYS64 handler then runs these same descriptors (trap and emulate). Writes to the
 * controls reprogram the PE's {@link SpeUnit}; reads of PMBPTR/PMBSR first drain the hypervisor-owned buffer.
 */
@Component
public final class SpeRegisterTable implements SysRegTable {
    /** The name under which the arm64 architecture merges this table. */
    public static final String NAME = "spe";

    private final BufferOutput.Design design;
    private final SpeStats stats = new SpeStats();

    /** The copy-buffer design for hypervisor-owned buffers (the 2022 series), as the OSGi component runs. */
    public SpeRegisterTable() {
        this(false);
    }

    /**
     * @param pin true for the pinning design instead of the copy buffer (tests and benchmarks compare the two)
     */
    public SpeRegisterTable(boolean pin) {
        this.design = pin ? BufferOutput.Design.PIN : BufferOutput.Design.COPY;
    }

    /**
     * What this table's units did so far, over every PE that has it.
     *
     * @return the live counters
     */
    public SpeStats stats() {
        return stats;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<SysReg> registers() {
        return List.of(
                pms("PMSCR_EL1", 0, SysReg.RW_EL1, 0).withWrite(control("PMSCR_EL1")),
                pms("PMSICR_EL1", 2, SysReg.RW_EL1, 0).withRead(SpeRegisterTable::readCount)
                        .withWrite(this::writeCount),
                pms("PMSIRR_EL1", 3, SysReg.RW_EL1, 0).withWrite(control("PMSIRR_EL1")),
                pms("PMSFCR_EL1", 4, SysReg.RW_EL1, 0),
                pms("PMSEVFR_EL1", 5, SysReg.RW_EL1, 0),
                pms("PMSLATFR_EL1", 6, SysReg.RW_EL1, 0),
                pms("PMSIDR_EL1", 7, SysReg.RO_EL1, Spe.PMSIDR),
                pmb("PMBLIMITR_EL1", 0, SysReg.RW_EL1, 0).withWrite(control("PMBLIMITR_EL1")),
                pmb("PMBPTR_EL1", 1, SysReg.RW_EL1, 0).withRead(drained("PMBPTR_EL1"))
                        .withWrite(control("PMBPTR_EL1")),
                pmb("PMBSR_EL1", 3, SysReg.RW_EL1, 0).withRead(drained("PMBSR_EL1"))
                        .withWrite(this::writeStatus),
                pmb("PMBIDR_EL1", 7, SysReg.RO_EL1, Spe.PMBIDR));
    }

    /**
     * Before the PE's state is exported (snapshot, rebuild, a swap of this bundle): the hypervisor buffer is copied
     * to the guest and the countdown goes into PMSICR_EL1.COUNT, so the next revision continues without losing or
     * repeating a record.
     */
    @Override
    public void exporting(SysRegState pe) {
        if (pe.sampling().sampler() instanceof SpeUnit u) {
            u.buffer.drain();
            long left = pe.sampling().remaining();
            if (left != 0) {
                pe.setRaw("PMSICR_EL1", (pe.raw("PMSICR_EL1") & ~0xFFFF_FFFFL) | Math.min(left, 0xFFFF_FFFFL));
            }
        }
    }

    /**
     * A VM needs this feature back on restore only if it was given SPE (spe=on) or its SPE registers hold anything: a
     * VM that never profiled does not wait for feature-spe when the bundle is refreshed (an arm64 update refreshes it).
     */
    @Override
    public boolean needed(SysRegState pe) {
        if (((pe.raw("ID_AA64DFR0_EL1") >>> Spe.DFR0_PMSVER_SHIFT) & 0xF) != 0) {
            return true;
        }
        for (SysReg r : registers()) {
            if (pe.raw(r.name()) != r.reset()) {
                return true;
            }
        }
        return false;
    }

    /** After a restore: a unit the registers say is programmed is attached again, armed from PMSICR_EL1.COUNT. */
    @Override
    public void restored(SysRegState pe) {
        if (((pe.raw("ID_AA64DFR0_EL1") >>> Spe.DFR0_PMSVER_SHIFT) & 0xF) == 0
                || (pe.raw("PMBLIMITR_EL1") == 0 && pe.raw("PMSCR_EL1") == 0)) {
            return;
        }
        pe.sampling().arm(0);
        SpeUnit.of(pe, design, stats).reprogram();
        pe.sampling().setPpi(Spe.PMBIRQ, (pe.raw("PMBSR_EL1") & Spe.PMBSR_S) != 0);
    }

    private static SysReg pms(String name, int op2, int access, long reset) {
        return SysReg.plain(name, 3, 0, 9, 9, op2, access, reset).withCheck((cpu, read) ->
                access(cpu, (cpu.raw("MDCR_EL2") & Spe.MDCR_TPMS) != 0));
    }

    private static SysReg pmb(String name, int op2, int access, long reset) {
        return SysReg.plain(name, 3, 0, 9, 10, op2, access, reset).withCheck((cpu, read) ->
                access(cpu, ((cpu.raw("MDCR_EL2") >>> Spe.MDCR_E2PB_SHIFT) & 3) != Spe.E2PB_EL1_NO_TRAP));
    }

    /**
     * A guest access at EL1 that MDCR_EL2 traps goes to EL2 whether or not the VM has SPE (the 2017 patch sets TPMS
     * for every guest); the hypervisor then asks again (EL2) and a VM whose ID_AA64DFR0_EL1.PMSVer is 0 gets UNDEF.
     */
    private static SysRegAccess access(SysRegState cpu, boolean trapped) {
        if (cpu.currentEl() == 1 && trapped) {
            return SysRegAccess.TRAP_EL2;
        }
        return ((cpu.raw("ID_AA64DFR0_EL1") >>> Spe.DFR0_PMSVER_SHIFT) & 0xF) == 0
                ? SysRegAccess.UNDEFINED : SysRegAccess.OK;
    }

    /** A control register write: the hypervisor buffer is drained first (the old controls applied to it). */
    private SysReg.Write control(String name) {
        return (cpu, value) -> {
            SpeUnit u = SpeUnit.of(cpu, design, stats);
            u.buffer.drain();
            cpu.setRaw(name, value);
            if (name.startsWith("PMB")) {
                u.buffer.reconfigured();
            }
            u.reprogram();
        };
    }

    /** PMBPTR/PMBSR reads see every record taken so far: the hypervisor buffer is drained first. */
    private SysReg.Read drained(String name) {
        return cpu -> {
            SpeUnit.of(cpu, design, stats).buffer.drain();
            return cpu.raw(name);
        };
    }

    /** PMSICR_EL1.COUNT: the operations left before the next sample (the hook's countdown while armed). */
    private static long readCount(SysRegState cpu) {
        long left = cpu.sampling().remaining();
        long stored = cpu.raw("PMSICR_EL1");
        return left == 0 ? stored : (stored & ~0xFFFF_FFFFL) | Math.min(left, 0xFFFF_FFFFL);
    }

    private void writeCount(SysRegState cpu, long value) {
        cpu.setRaw("PMSICR_EL1", value);
        cpu.sampling().arm(0);
        SpeUnit.of(cpu, design, stats).reprogram(); // re-arms from COUNT, or from PMSIRR_EL1 when COUNT is 0
    }

    /** PMBSR_EL1: software clears S to leave the service state; PMBIRQ follows S (level-sensitive). */
    private void writeStatus(SysRegState cpu, long value) {
        SpeUnit u = SpeUnit.of(cpu, design, stats);
        cpu.setRaw("PMBSR_EL1", value);
        cpu.sampling().setPpi(Spe.PMBIRQ, (value & Spe.PMBSR_S) != 0);
        u.reprogram();
    }
}
