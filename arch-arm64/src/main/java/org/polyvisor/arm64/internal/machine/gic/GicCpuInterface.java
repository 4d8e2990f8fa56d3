package org.polyvisor.arm64.internal.machine.gic;

import static org.polyvisor.arm64.spi.SysReg.plain;

import java.util.List;

import org.polyvisor.arm64.spi.SysReg;
import org.polyvisor.arm64.spi.SysRegTable;

/**
 * The GICv3 system-register CPU interface (ICC_*_EL1) of one vCPU. With HCR_EL2.IMO/FMO set these are the virtual
 * interface on hardware (ICV_*, backed by list registers) and need no exit; here they act on the emulated GIC
 * directly. Before an acknowledge or an end of interrupt the level inputs of this CPU (its timer) are sampled, so a
 * handler that reprogrammed the timer does not see a stale pending state.
 */
public final class GicCpuInterface implements SysRegTable {
    private final GicV3 gic;
    private final int cpu;
    private final Runnable sampleInputs;

    public GicCpuInterface(GicV3 gic, int cpu, Runnable sampleInputs) {
        this.gic = gic;
        this.cpu = cpu;
        this.sampleInputs = sampleInputs;
    }

    @Override
    public String name() {
        return "gicv3-cpu-interface";
    }

    private SysReg reg(String name, int crn, int crm, int op2, int access, String field) {
        return plain(name, 3, 0, crn, crm, op2, access, 0)
                .withRead(s -> gic.cpuReg(cpu, field))
                .withWrite((s, v) -> gic.setCpuReg(cpu, field, v));
    }

    @Override
    public List<SysReg> registers() {
        return List.of(
                reg("ICC_PMR_EL1", 4, 6, 0, SysReg.RW_EL1, "PMR"),
                reg("ICC_IGRPEN0_EL1", 12, 12, 6, SysReg.RW_EL1, "GRPEN0"),
                reg("ICC_IGRPEN1_EL1", 12, 12, 7, SysReg.RW_EL1, "GRPEN1"),
                reg("ICC_BPR1_EL1", 12, 12, 3, SysReg.RW_EL1, "BPR1"),
                plain("ICC_BPR0_EL1", 3, 0, 12, 8, 3, SysReg.RW_EL1, 0),
                plain("ICC_CTLR_EL1", 3, 0, 12, 12, 4, SysReg.RW_EL1, 0x8C00) // A3V, IDbits 24, PRIbits 5 (as QEMU)
                        .withWrite((s, v) -> { }),
                plain("ICC_SRE_EL1", 3, 0, 12, 12, 5, SysReg.RW_EL1, 7).withWrite((s, v) -> { }), // SRE, DFB, DIB RAO/WI
                plain("ICC_IAR1_EL1", 3, 0, 12, 12, 0, SysReg.RO_EL1, 0).withRead(s -> {
                    sampleInputs.run();
                    return gic.acknowledge(cpu, true);
                }),
                plain("ICC_IAR0_EL1", 3, 0, 12, 8, 0, SysReg.RO_EL1, 0).withRead(s -> {
                    sampleInputs.run();
                    return gic.acknowledge(cpu, false);
                }),
                plain("ICC_EOIR1_EL1", 3, 0, 12, 12, 1, SysReg.EL1_W, 0).withWrite((s, v) -> {
                    sampleInputs.run();
                    gic.endOfInterrupt(cpu, (int) v & 0xFF_FFFF);
                }),
                plain("ICC_EOIR0_EL1", 3, 0, 12, 8, 1, SysReg.EL1_W, 0).withWrite((s, v) -> {
                    sampleInputs.run();
                    gic.endOfInterrupt(cpu, (int) v & 0xFF_FFFF);
                }),
                plain("ICC_DIR_EL1", 3, 0, 12, 11, 1, SysReg.EL1_W, 0).withWrite((s, v) -> { }),
                plain("ICC_HPPIR1_EL1", 3, 0, 12, 12, 2, SysReg.RO_EL1, 0).withRead(s -> gic.highestPendingId(cpu, true)),
                plain("ICC_HPPIR0_EL1", 3, 0, 12, 8, 2, SysReg.RO_EL1, 0).withRead(s -> gic.highestPendingId(cpu, false)),
                plain("ICC_RPR_EL1", 3, 0, 12, 11, 3, SysReg.RO_EL1, 0).withRead(s -> gic.runningPriority(cpu)),
                plain("ICC_SGI1R_EL1", 3, 0, 12, 11, 5, SysReg.EL1_W, 0).withWrite((s, v) -> gic.sendSgi(cpu, v)),
                plain("ICC_SGI0R_EL1", 3, 0, 12, 11, 7, SysReg.EL1_W, 0).withWrite((s, v) -> gic.sendSgi(cpu, v)),
                plain("ICC_ASGI1R_EL1", 3, 0, 12, 11, 6, SysReg.EL1_W, 0).withWrite((s, v) -> gic.sendSgi(cpu, v)),
                plain("ICC_AP1R0_EL1", 3, 0, 12, 9, 0, SysReg.RW_EL1, 0),
                plain("ICC_AP0R0_EL1", 3, 0, 12, 8, 4, SysReg.RW_EL1, 0));
    }
}
