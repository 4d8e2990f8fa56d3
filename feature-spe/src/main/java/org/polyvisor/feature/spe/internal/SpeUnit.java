package org.polyvisor.feature.spe.internal;

import org.polyvisor.arm64.spi.OperationSampler;
import org.polyvisor.arm64.spi.SampledOperation;
import org.polyvisor.arm64.spi.SamplingHook;
import org.polyvisor.arm64.spi.SysRegState;

/**
 * One PE's profiling unit on the arm64 sampling hook: the sampling interval and its jitter (PMSIRR_EL1, PMSICR_EL1),
 * the enables per exception level (PMSCR_EL1), the filters (PMSFCR_EL1, PMSEVFR_EL1, PMSLATFR_EL1) and the record
 * it writes to the profiling buffer ({@link BufferOutput}). Its registers live in the PE's system-register storage
 * (so snapshots carry them); the unit itself holds only the encoder, the buffer output and the jitter generator.
 */
final class SpeUnit implements OperationSampler {
    private final SysRegState regs;
    private final SamplingHook hook;
    private final RecordEncoder encoder = new RecordEncoder();
    final BufferOutput buffer;
    /** Jitter source (xorshift64: no allocation, reproducible per PE). */
    private long random = 0x9E37_79B9_7F4A_7C15L;
    /** Sampled operations, records written, operations a filter dropped. */
    long samples;
    long records;
    long filtered;

    private final SpeStats stats;
    /** Register slots, resolved once: the sampling path reads them on every sample. */
    private final int pmscr;
    private final int pmsirr;
    private final int pmsfcr;
    private final int contextIdr;

    private SpeUnit(SysRegState regs, BufferOutput.Design design, SpeStats stats) {
        this.regs = regs;
        this.hook = regs.sampling();
        this.stats = stats;
        this.pmscr = regs.slot("PMSCR_EL1");
        this.pmsirr = regs.slot("PMSIRR_EL1");
        this.pmsfcr = regs.slot("PMSFCR_EL1");
        this.contextIdr = regs.slot("CONTEXTIDR_EL1");
        this.buffer = new BufferOutput(regs, hook, design, stats);
    }

    /** The unit of the PE whose registers {@code regs} are, attaching one to its sampling hook the first time. */
    static SpeUnit of(SysRegState regs, BufferOutput.Design design, SpeStats stats) {
        SamplingHook hook = regs.sampling();
        if (hook.sampler() instanceof SpeUnit u) {
            return u;
        }
        SpeUnit u = new SpeUnit(regs, design, stats);
        hook.attach(u);
        return u;
    }

    /**
     * After a control register changed: arms the countdown while the buffer is enabled, not in a service state, and
     * profiling is enabled at some EL (ARM ARM: "profiling is enabled"); otherwise disarms it and drains what the
     * hypervisor buffer holds.
     */
    void reprogram() {
        if (collecting()) {
            if (hook.remaining() == STOP) {
                long count = regs.raw("PMSICR_EL1") & 0xFFFF_FFFFL;
                hook.arm(count != 0 ? count : interval());
            }
        } else {
            hook.arm(STOP);
            buffer.drain();
        }
    }

    private boolean collecting() {
        long pmscr = regs.raw("PMSCR_EL1");
        return (regs.raw("PMBLIMITR_EL1") & Spe.PMBLIMITR_E) != 0 && (regs.raw("PMBSR_EL1") & Spe.PMBSR_S) == 0
                && (pmscr & (Spe.PMSCR_E0SPE | Spe.PMSCR_E1SPE)) != 0;
    }

    /** PMSIRR_EL1.INTERVAL (at least the minimum PMSIDR_EL1 advertises), plus up to 255 of jitter when RND is set. */
    long interval() {
        long irr = regs.rawAt(pmsirr);
        long interval = Math.max(Spe.MIN_INTERVAL, (irr >>> Spe.PMSIRR_INTERVAL_SHIFT) & Spe.PMSIRR_INTERVAL_MASK);
        if ((irr & Spe.PMSIRR_RND) != 0) {
            random ^= random << 13;
            random ^= random >>> 7;
            random ^= random << 17;
            interval += random & 0xFF;
        }
        return interval;
    }

    @Override
    public long sample(SampledOperation op) {
        samples++;
        long scr = regs.rawAt(pmscr);
        long enable = op.el() == 0 ? Spe.PMSCR_E0SPE : Spe.PMSCR_E1SPE;
        if ((scr & enable) == 0) {
            return interval();
        }
        if (!passesFilters(op)) {
            filtered++;
            return interval();
        }
        long timestamp = (scr & Spe.PMSCR_TS) == 0 ? 0
                : ((scr >>> Spe.PMSCR_PCT_SHIFT) & 3) == 0 ? regs.virtualCount() : regs.physicalCount();
        encoder.encode(op, scr, regs.rawAt(contextIdr), timestamp);
        if (!buffer.write(encoder.record, encoder.length)) {
            return STOP; // buffer full or faulted: PMBSR_EL1.S is set, collection stops until software clears it
        }
        records++;
        stats.records.increment();
        return interval();
    }

    /** PMSFCR_EL1: FE (every event in PMSEVFR_EL1), FT (operation type B/LD/ST), FL (total latency >= MINLAT). */
    private boolean passesFilters(SampledOperation op) {
        long fcr = regs.rawAt(pmsfcr);
        if (fcr == 0) {
            return true;
        }
        if ((fcr & Spe.PMSFCR_FE) != 0) {
            long want = regs.raw("PMSEVFR_EL1");
            if ((op.events() & want) != want) {
                return false;
            }
        }
        if ((fcr & Spe.PMSFCR_FT) != 0) {
            long types = fcr & (Spe.PMSFCR_B | Spe.PMSFCR_LD | Spe.PMSFCR_ST);
            long mine = switch (op.type()) {
                case SampledOperation.BRANCH -> Spe.PMSFCR_B;
                case SampledOperation.LOAD -> Spe.PMSFCR_LD;
                case SampledOperation.STORE -> Spe.PMSFCR_ST;
                default -> 0;
            };
            if (types != 0 && (types & mine) == 0) {
                return false;
            }
        }
        if ((fcr & Spe.PMSFCR_FL) != 0) {
            return op.totalLatency() >= (regs.raw("PMSLATFR_EL1") & 0xFFFF);
        }
        return true;
    }
}
